// The renderer's view of the contract: one typed method per call, events, media URLs.
// Both the IPC client (Electron) and the HTTP client (web mode) build this same shape.
import { CHANNELS } from '../../../shared/api'
import type { Connection } from './connection'
import type { Api, AppMode, ArgOf, Channel, EventName, Events, MediaKind, ResultOf } from '../../../shared/api'

/** One method per call; `Parameters` keeps an optional argument optional (`api['app:info']()`). */
export type ApiCalls = { [K in Channel]: (...args: Parameters<Api[K]>) => Promise<ResultOf<K>> }

export interface ApiExtras {
  /** Subscribe to a pushed event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
  /** URL an <img> can load: a thumbnail or the full image of an indexed image. */
  mediaUrl(kind: MediaKind, imageId: number): string
  /**
   * Sends a call as the page goes away (pagehide, beforeunload), on a path that outlives the page;
   * the answer if the page lives on, or null when this transport cannot send it so (web mode: a body
   * over the browser's 64 KiB keepalive limit).
   */
  sendOnUnload?<K extends Channel>(channel: K, arg: ArgOf<K>): Promise<ResultOf<K>> | null
  /** Web mode only: whether the server can be reached (IPC to the app's own main process cannot drop). */
  connection?: Connection
  readonly mode: AppMode
}

export type ApiClient = ApiCalls & ApiExtras

/** Sends one call over some transport; resolves with the result or rejects with an AppError. */
export type Invoke = <K extends Channel>(channel: K, arg: ArgOf<K>) => Promise<ResultOf<K>>

/**
 * Build the per-channel methods from one generic `invoke`, looping over the contract's channel list,
 * so a call added to the contract appears here without a hand-written copy.
 */
export function buildCalls(invoke: Invoke): ApiCalls {
  const calls: Partial<Record<Channel, (arg?: unknown) => Promise<unknown>>> = {}
  for (const channel of CHANNELS) {
    calls[channel] = (arg?: unknown) => invoke(channel, arg as ArgOf<typeof channel>)
  }
  // Every channel was filled in by the loop above; TS cannot follow a loop over a mapped type.
  return calls as ApiCalls
}
