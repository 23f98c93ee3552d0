// How the editor hands a trimap to whoever writes it (the lead's save service): a function given as
// a prop or provided under SAVE_TRIMAP_KEY. It receives the image id explicitly, because a save on
// leaving an image runs after the editor has already moved to the next one.
import type { InjectionKey } from 'vue'
import type { Trimap } from '../../../shared/trimap'

/** Writes the image's trimap; null means the image has no label any more (undone past its first edit). */
export type SaveTrimap = (imageId: number, trimap: Trimap | null) => Promise<void>

/**
 * The same for a page that is going away (tab closed, reload, window closed): starts the write
 * synchronously on a path that outlives the page, or returns null when it cannot (then the page
 * warns before it goes).
 */
export type SaveOnUnload = (imageId: number, trimap: Trimap | null) => Promise<void> | null

export const SAVE_TRIMAP_KEY: InjectionKey<SaveTrimap> = Symbol('saveTrimap')

/** Autosave waits this long after the last edit. */
export const AUTOSAVE_DELAY_MS = 800
