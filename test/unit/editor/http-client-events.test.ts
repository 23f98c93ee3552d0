// The web client's ordering of answers and events (src/renderer/src/api/http-client.ts): an event that
// arrives while an answer is being read reaches its listeners after the caller has the answer (so
// 'labels:changed' refreshes never hold up the editor's "Saved"); events at other times arrive at once.
import { describe, expect, it } from 'vitest'
import { createHttpClient, type HttpEnv } from '../../../src/renderer/src/api/http-client'
import { encodeWire, encodeWireBinary, WIRE_BINARY_TYPE } from '../../../src/shared/wire'

class FakeSource {
  static last: FakeSource | null = null
  listeners = new Map<string, Set<(ev: Event) => void>>()
  constructor() {
    FakeSource.last = this
  }
  addEventListener(type: string, l: (ev: Event) => void) {
    this.listeners.set(type, (this.listeners.get(type) ?? new Set()).add(l))
  }
  removeEventListener(type: string, l: (ev: Event) => void) {
    this.listeners.get(type)?.delete(l)
  }
  dispatch(type: string, payload: unknown) {
    for (const l of this.listeners.get(type) ?? []) l(new MessageEvent(type, { data: encodeWire(payload) }))
  }
}

/** A fetch whose answer's body arrives only when the test releases it. */
function slowBodyEnv() {
  let release: () => void = () => {}
  let headersIn: () => void = () => {}
  const headers = new Promise<void>((r) => (headersIn = r))
  const env: HttpEnv = {
    fetch: async () => {
      const body = encodeWireBinary({ id: 5, label: 'edited' })
      const stream = new ReadableStream<Uint8Array>({
        start: (c) => {
          release = () => (c.enqueue(body), c.close())
        },
      })
      headersIn()
      return new Response(stream, { headers: { 'content-type': WIRE_BINARY_TYPE } })
    },
    location: { href: 'http://127.0.0.1:1/?token=t' },
    history: { state: null, replaceState: () => {} },
    storage: { getItem: () => null, setItem: () => {} },
    EventSource: FakeSource as unknown as HttpEnv['EventSource'],
  }
  return { env, headers, release: () => release() }
}

describe('http client: answers before the events they caused', () => {
  it('holds an event that arrives while an answer is read until the caller has run', async () => {
    const { env, headers, release } = slowBodyEnv()
    const api = createHttpClient(env)
    const order: string[] = []
    api.on('labels:changed', (e) => order.push(`event ${e.imageId}`))
    const call = api['images:get']({ id: 5 }).then((d) => order.push(`answer ${d.id}`))
    await headers
    await new Promise((r) => setTimeout(r, 0))
    FakeSource.last!.dispatch('labels:changed', { imageId: 5, label: 'edited' })
    expect(order).toEqual([])
    release()
    await call
    expect(order).toEqual(['answer 5'])
    await new Promise((r) => setTimeout(r, 0))
    expect(order).toEqual(['answer 5', 'event 5'])
    // No call in flight: delivered at once.
    FakeSource.last!.dispatch('labels:changed', { imageId: 6, label: null })
    expect(order.at(-1)).toBe('event 6')
  })

  it('drops a held event for a listener that unsubscribed meanwhile', async () => {
    const { env, headers, release } = slowBodyEnv()
    const api = createHttpClient(env)
    const got: number[] = []
    const off = api.on('labels:changed', (e) => got.push(e.imageId))
    const call = api['images:get']({ id: 5 })
    await headers
    await new Promise((r) => setTimeout(r, 0))
    FakeSource.last!.dispatch('labels:changed', { imageId: 5, label: 'edited' })
    off()
    release()
    await call
    await new Promise((r) => setTimeout(r, 0))
    expect(got).toEqual([])
  })
})
