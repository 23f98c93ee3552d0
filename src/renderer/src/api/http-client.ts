// Web-mode client: the contract over HTTP (POST /api/<channel>) and Server-Sent Events (/events),
// authenticated by the token the server printed in the URL it showed; tracks whether the server is there.
import { EVENTS_PATH, API_PREFIX, MEDIA_PREFIX, TOKEN_HEADER, TOKEN_QUERY } from '../../../shared/web-protocol'
import { AppError, fromWireError, isWireError } from '../../../shared/errors'
import type { ArgOf, Channel, EventName, Events, ResultOf } from '../../../shared/api'
import { decodeWire, decodeWireBinary, encodeWireBinary, WIRE_BINARY_TYPE } from '../../../shared/wire'
import { buildCalls, type ApiClient, type Invoke } from './client'
import { ConnectionTracker } from './connection'
import { EventStream, type StreamSource } from './event-stream'

const TOKEN_KEY = 'workbench-token'
/** How the message of a call that could not be sent starts (the connection banner says the rest). */
export const UNREACHABLE_MESSAGE = 'Cannot reach the workbench server'
/** Browsers refuse a keepalive request once the bodies of those in flight pass 64 KiB. */
export const KEEPALIVE_MAX_BYTES = 64 * 1024

/** The browser pieces the client uses, injectable so tests can run it without a browser. */
export interface HttpEnv {
  fetch: typeof fetch
  location: Pick<Location, 'href'>
  history: Pick<History, 'replaceState' | 'state'>
  storage: Pick<Storage, 'getItem' | 'setItem'>
  EventSource: new (url: string) => StreamSource
  setTimeout?: (fn: () => void, ms: number) => unknown
}

export function browserEnv(): HttpEnv {
  return {
    fetch: (input, init) => globalThis.fetch(input, init),
    location: window.location,
    history: window.history,
    storage: window.sessionStorage,
    EventSource: window.EventSource,
    setTimeout: (fn, ms) => window.setTimeout(fn, ms),
  }
}

/**
 * Take the token from ?token= on first load, keep it for this tab in sessionStorage, and strip it
 * from the visible URL so it does not end up in screenshots, bookmarks or the history.
 */
export function takeToken(env: Pick<HttpEnv, 'location' | 'history' | 'storage'>): string | null {
  const url = new URL(env.location.href)
  const fromUrl = url.searchParams.get(TOKEN_QUERY)
  if (fromUrl) {
    env.storage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete(TOKEN_QUERY)
    env.history.replaceState(env.history.state, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return env.storage.getItem(TOKEN_KEY)
}

function withToken(path: string, token: string | null): string {
  return token ? `${path}?${TOKEN_QUERY}=${encodeURIComponent(token)}` : path
}

async function errorFrom(res: Response, channel: string): Promise<AppError> {
  const text = await res.text().catch(() => '')
  let body: unknown = null
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    // Not our JSON (a proxy's HTML page, say): fall through to the status line.
  }
  const error = (body as { error?: unknown } | null)?.error
  if (isWireError(error)) return fromWireError(error)
  const code = res.status === 401 || res.status === 403 ? 'UNAUTHORIZED' : 'INTERNAL'
  return new AppError(code, `${channel}: HTTP ${res.status} ${res.statusText}`.trim())
}

async function readAnswer<T>(res: Response, channel: string): Promise<T> {
  try {
    const type = res.headers.get('content-type') ?? ''
    if (type.startsWith(WIRE_BINARY_TYPE)) return decodeWireBinary<T>(new Uint8Array(await res.arrayBuffer()))
    return decodeWire<T>(await res.text())
  } catch {
    throw new AppError('INTERNAL', `${channel}: the server answered with something it cannot read`)
  }
}

export function createHttpClient(env: HttpEnv = browserEnv()): ApiClient {
  const token = takeToken(env)
  // Calls travel in the binary framing so trimaps go as raw bytes, not base64 text (see wire.ts).
  const headers: Record<string, string> = { 'content-type': WIRE_BINARY_TYPE, accept: WIRE_BINARY_TYPE }
  if (token) headers[TOKEN_HEADER] = token
  const connection = new ConnectionTracker()

  const encode = (arg: unknown): Uint8Array<ArrayBuffer> => (arg === undefined ? new Uint8Array(0) : encodeWireBinary(arg))
  // keepalive: the request outlives the page (sent as it goes away); fetch starts before the first await.
  async function send<K extends Channel>(channel: K, body: Uint8Array<ArrayBuffer>, keepalive: boolean): Promise<ResultOf<K>> {
    let res: Response
    try {
      res = await env.fetch(API_PREFIX + channel, { method: 'POST', headers, body, ...(keepalive ? { keepalive } : {}) })
    } catch (err) {
      connection.callUnsent()
      const message = err instanceof Error ? err.message : String(err)
      throw new AppError('IO_ERROR', `${UNREACHABLE_MESSAGE} (${channel}): ${message}`)
    }
    if (res.status === 401) connection.callRefused()
    else connection.callAnswered()
    if (!res.ok) throw await errorFrom(res, channel)
    return readAnswer<ResultOf<K>>(res, channel)
  }
  const invoke: Invoke = <K extends Channel>(channel: K, arg: ArgOf<K>): Promise<ResultOf<K>> => {
    try {
      return send(channel, encode(arg), false)
    } catch (err) {
      return Promise.reject(err as Error) // an argument the wire cannot carry fails the call, as before
    }
  }
  function sendOnUnload<K extends Channel>(channel: K, arg: ArgOf<K>): Promise<ResultOf<K>> | null {
    let body: Uint8Array<ArrayBuffer>
    try {
      body = encode(arg)
    } catch {
      return null // unsendable either way; the page's leave warning is the user's chance to stay
    }
    return body.byteLength > KEEPALIVE_MAX_BYTES ? null : send(channel, body, true)
  }

  // One stream for the whole page, opened on the first subscription.
  const stream = new EventStream({
    create: () => new env.EventSource(withToken(EVENTS_PATH, token)),
    tracker: connection,
    probe: () => send('app:info', new Uint8Array(0), false).catch(() => undefined),
    setTimeout: env.setTimeout ?? ((fn, ms) => setTimeout(fn, ms)),
  })
  // The server sends an event a call raised after the call's answer (src/main/call-order.ts), so
  // events are delivered as they arrive.
  function on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    const handler = (ev: Event) => listener(decodeWire<Events[E]>((ev as MessageEvent<string>).data))
    stream.add(event, handler)
    return () => stream.remove(event, handler)
  }

  return {
    ...buildCalls(invoke),
    on,
    mediaUrl: (kind, imageId) => withToken(`${MEDIA_PREFIX}${kind}/${imageId}`, token),
    sendOnUnload,
    connection,
    mode: 'web',
  }
}
