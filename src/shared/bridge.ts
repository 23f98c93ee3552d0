// What the preload script exposes on window.workbench (Electron), typed from the contract.
// The renderer's IPC client wraps it; nothing else crosses the context bridge.
import type { ArgOf, Channel, EventName, Events, MediaKind, ResultOf } from './api'
import type { WireError } from './errors'

/** An invoke result: Electron's invoke drops error classes, so errors come back as data. */
export type InvokeResult<K extends Channel> = { ok: true; value: ResultOf<K> } | { ok: false; error: WireError }

export interface PreloadBridge {
  invoke<K extends Channel>(channel: K, arg: ArgOf<K>): Promise<InvokeResult<K>>
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
  /** Custom protocol URL of an image or thumbnail, e.g. wb-media://thumb/12. */
  mediaUrl(kind: MediaKind, imageId: number): string
}

export const IPC_EVENT_CHANNEL = 'workbench:event'
export const MEDIA_PROTOCOL = 'wb-media'
