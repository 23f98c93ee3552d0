// How the editor hands a trimap to whoever writes it (the lead's save service): a function given as
// a prop or provided under SAVE_TRIMAP_KEY. It receives the image id explicitly, because a save on
// leaving an image runs after the editor has already moved to the next one.
import type { InjectionKey } from 'vue'
import type { Trimap } from '../../../shared/trimap'

export type SaveTrimap = (imageId: number, trimap: Trimap) => Promise<void>

export const SAVE_TRIMAP_KEY: InjectionKey<SaveTrimap> = Symbol('saveTrimap')

/** Autosave waits this long after the last edit. */
export const AUTOSAVE_DELAY_MS = 800
