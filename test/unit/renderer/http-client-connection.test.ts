// The web-mode client's view of its server: a dropped stream or an unsent call makes it unreachable,
// the stream reopening makes it connected again, and a 401 means the server's token changed.
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ConnectionState } from '../../../src/renderer/src/api/connection'
import { STREAM_REOPEN_MS } from '../../../src/renderer/src/api/event-stream'
import { createHttpClient, UNREACHABLE_MESSAGE, type HttpEnv } from '../../../src/renderer/src/api/http-client'
import { encodeWire } from '../../../src/shared/wire'

type Answer = 'ok' | 'down' | 401

class FakeSource {
  readyState = 0
  closed = false
  listeners = new Map<string, Set<(ev: Event) => void>>()
  constructor(readonly url: string) {
    FakeSource.made.push(this)
  }
  static made: FakeSource[] = []
  addEventListener(type: string, l: (ev: Event) => void) {
    const set = this.listeners.get(type) ?? new Set()
    this.listeners.set(type, set.add(l))
  }
  removeEventListener(type: string, l: (ev: Event) => void) {
    this.listeners.get(type)?.delete(l)
  }
  close() {
    this.closed = true
    this.readyState = 2
  }
  fire(type: string, data?: string) {
    for (const l of this.listeners.get(type) ?? []) l(data === undefined ? new Event(type) : new MessageEvent(type, { data }))
  }
  /** What the browser does: 'open'; 'error' while retrying (CONNECTING) or after giving up (CLOSED). */
  open() {
    this.readyState = 1
    this.fire('open')
  }
  drop(giveUp = false) {
    this.readyState = giveUp ? 2 : 0
    this.fire('error')
  }
}

function client(answer: { now: Answer }) {
  FakeSource.made = []
  const e: HttpEnv = {
    fetch: async () => {
      if (answer.now === 'down') throw new TypeError('Failed to fetch')
      if (answer.now === 401) return new Response('{"error":{"code":"UNAUTHORIZED","message":"Missing or wrong token"}}', { status: 401 })
      return new Response(encodeWire(null))
    },
    location: { href: 'http://h/?token=tok' },
    history: { state: null, replaceState: () => undefined },
    storage: { getItem: () => null, setItem: () => undefined },
    EventSource: FakeSource as unknown as HttpEnv['EventSource'],
  }
  const api = createHttpClient(e)
  const seen: [ConnectionState, ConnectionState][] = []
  api.connection!.subscribe((now, before) => seen.push([now, before]))
  return { api, seen, source: () => FakeSource.made.at(-1)! }
}

afterEach(() => vi.useRealTimers())

describe('http client connection state', () => {
  it('is unreachable while the event stream is down, and connected once it reopens', () => {
    const { api, seen, source } = client({ now: 'ok' })
    api.on('runs:changed', () => undefined)
    source().open()
    expect(api.connection!.state).toBe('connected')
    source().drop()
    expect(api.connection!.state).toBe('unreachable')
    source().drop() // the browser's further failed retries change nothing
    source().open()
    expect(seen).toEqual([
      ['unreachable', 'connected'],
      ['connected', 'unreachable'],
    ])
    expect(FakeSource.made).toHaveLength(1) // the browser's own retry, no second stream
  })

  it('a call that cannot be sent makes it unreachable; an answer alone does not end that while the stream is down', async () => {
    const answer: { now: Answer } = { now: 'down' }
    const { api, source } = client(answer)
    api.on('runs:changed', () => undefined)
    source().open()
    const err = await api['runs:list']({}).catch((e: Error) => e)
    expect((err as Error).message.startsWith(`${UNREACHABLE_MESSAGE} (runs:list)`)).toBe(true)
    expect(api.connection!.state).toBe('unreachable')
    source().drop()
    answer.now = 'ok'
    await api['runs:list']({})
    expect(api.connection!.state).toBe('unreachable')
    source().open()
    expect(api.connection!.state).toBe('connected')
  })

  it('without an event stream, the next answered call means connected', async () => {
    const answer: { now: Answer } = { now: 'down' }
    const { api } = client(answer)
    await api['app:info']().catch(() => undefined)
    expect(api.connection!.state).toBe('unreachable')
    answer.now = 'ok'
    await api['app:info']()
    expect(api.connection!.state).toBe('connected')
  })

  it('a 401 answer means the token changed, and a dropped stream does not hide that', async () => {
    const { api, source } = client({ now: 401 })
    api.on('runs:changed', () => undefined)
    source().open()
    await expect(api['runs:list']({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    expect(api.connection!.state).toBe('token-changed')
    source().drop()
    expect(api.connection!.state).toBe('token-changed')
  })

  it('when the browser gives up on the stream, asks the server why and reopens it, listeners kept', async () => {
    vi.useFakeTimers()
    const answer: { now: Answer } = { now: 'down' }
    const { api, source } = client(answer)
    const got: unknown[] = []
    api.on('runs:changed', (r) => got.push(r))
    const first = source()
    first.open()
    first.drop(true)
    await vi.advanceTimersByTimeAsync(0)
    expect(first.closed).toBe(true)
    expect(api.connection!.state).toBe('unreachable')
    expect(FakeSource.made).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(STREAM_REOPEN_MS)
    expect(FakeSource.made).toHaveLength(2)
    const second = source()
    expect(second.url).toBe('/events?token=tok')
    second.open()
    expect(api.connection!.state).toBe('connected')
    second.fire('runs:changed', JSON.stringify({ id: 4 }))
    expect(got).toEqual([{ id: 4 }])
  })

  it('does not reopen a stream the server refused with a new token', async () => {
    vi.useFakeTimers()
    const { api, source } = client({ now: 401 })
    api.on('runs:changed', () => undefined)
    source().open()
    source().drop(true)
    await vi.advanceTimersByTimeAsync(STREAM_REOPEN_MS * 3)
    expect(api.connection!.state).toBe('token-changed')
    expect(FakeSource.made).toHaveLength(1)
  })
})
