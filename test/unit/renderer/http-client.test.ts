// The web-mode client against a fake fetch and EventSource: token handling, wire decoding, errors.
import { describe, expect, it } from 'vitest'
import { createHttpClient, takeToken, type HttpEnv } from '../../../src/renderer/src/api/http-client'
import { AppError } from '../../../src/shared/errors'
import { decodeWireBinary, encodeWire, encodeWireBinary, WIRE_BINARY_TYPE } from '../../../src/shared/wire'

interface Sent {
  url: string
  init: RequestInit
}

function env(href: string, respond: (s: Sent) => Response | Promise<Response>) {
  const store = new Map<string, string>()
  const sent: Sent[] = []
  const replaced: string[] = []
  const sources: FakeSource[] = []
  class FakeSource {
    listeners = new Map<string, Set<(ev: Event) => void>>()
    constructor(readonly url: string) {
      sources.push(this)
    }
    addEventListener(type: string, l: (ev: Event) => void) {
      const set = this.listeners.get(type) ?? new Set()
      set.add(l)
      this.listeners.set(type, set)
    }
    removeEventListener(type: string, l: (ev: Event) => void) {
      this.listeners.get(type)?.delete(l)
    }
    dispatch(type: string, data: string) {
      for (const l of this.listeners.get(type) ?? []) l(new MessageEvent(type, { data }))
    }
  }
  const e: HttpEnv = {
    fetch: async (input, init) => {
      const s = { url: String(input), init: init ?? {} }
      sent.push(s)
      return respond(s)
    },
    location: { href },
    history: { state: null, replaceState: (_s, _t, url) => void replaced.push(String(url)) },
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) },
    EventSource: FakeSource as unknown as HttpEnv['EventSource'],
  }
  return { env: e, store, sent, replaced, sources }
}

const json = (body: unknown, status = 200) => new Response(encodeWire(body), { status })

describe('http client', () => {
  it('takes the token from the URL, keeps it, and removes it from the visible URL', () => {
    const t = env('http://127.0.0.1:5000/?token=abc123&x=1#top', () => json(null))
    expect(takeToken(t.env)).toBe('abc123')
    expect(t.replaced).toEqual(['/?x=1#top'])
    // A reload without ?token= finds it in sessionStorage.
    const again = { ...t.env, location: { href: 'http://127.0.0.1:5000/' } }
    expect(takeToken(again)).toBe('abc123')
  })

  it('posts the encoded argument with the token header to /api/<channel>', async () => {
    const t = env('http://h/?token=tok', () => json([]))
    const api = createHttpClient(t.env)
    await api['images:list']({ datasetId: 3, breed: 'beagle' })
    expect(t.sent).toHaveLength(1)
    const [s] = t.sent
    expect(s!.url).toBe('/api/images:list')
    expect(s!.init.method).toBe('POST')
    expect((s!.init.headers as Record<string, string>)['x-workbench-token']).toBe('tok')
    expect((s!.init.headers as Record<string, string>)['content-type']).toBe(WIRE_BINARY_TYPE)
    expect(decodeWireBinary(s!.init.body as Uint8Array)).toEqual({ datasetId: 3, breed: 'beagle' })
  })

  it('sends a trimap as compact bytes and reads a binary answer', async () => {
    const trimap = { width: 1000, height: 1000, data: new Uint8Array(1_000_000).fill(2) }
    const t = env('http://h/?token=tok', () =>
      new Response(encodeWireBinary({ width: 2, height: 1, data: new Uint8Array([1, 3]) }), {
        headers: { 'content-type': WIRE_BINARY_TYPE },
      }),
    )
    const api = createHttpClient(t.env)
    const back = await api['labels:get']({ imageId: 1 })
    expect(back!.data).toEqual(new Uint8Array([1, 3]))
    await api['labels:save']({ imageId: 1, trimap }).catch(() => undefined)
    const body = t.sent[1]!.init.body as Uint8Array
    // Run-length encoded bytes plus a small JSON head (a uniform trimap is a few bytes), not 1.33 MB of base64.
    expect(body.length).toBeLessThan(1_000)
    // A loop over the bytes: a deep toEqual of a megabyte took ~5 s, and Buffer is not in the web types.
    const sent = decodeWireBinary<{ trimap: { data: Uint8Array } }>(body).trimap.data
    expect(sent.length).toBe(trimap.data.length)
    expect(sent.findIndex((v, i) => v !== trimap.data[i])).toBe(-1)
  })

  it('sends an empty body for a call without an argument', async () => {
    const t = env('http://h/?token=tok', () => json(null))
    const api = createHttpClient(t.env)
    await expect(api['datasets:current']()).resolves.toBeNull()
    expect((t.sent[0]!.init.body as Uint8Array).length).toBe(0)
  })

  it('decodes a trimap back into a Uint8Array', async () => {
    const trimap = { width: 2, height: 2, data: new Uint8Array([1, 2, 3, 0]) }
    const t = env('http://h/?token=tok', () => json(trimap))
    const got = await createHttpClient(t.env)['labels:get']({ imageId: 7 })
    expect(got?.data).toBeInstanceOf(Uint8Array)
    expect(Array.from(got!.data)).toEqual([1, 2, 3, 0])
    expect(got?.width).toBe(2)
  })

  it('turns an error body into an AppError with the service code and message', async () => {
    const t = env('http://h/?token=tok', () =>
      json({ error: { code: 'NOT_A_DATASET', message: '/x: annotations/list.txt is missing' } }, 400),
    )
    const err = await createHttpClient(t.env)['datasets:open']({ path: '/x' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('NOT_A_DATASET')
    expect((err as AppError).message).toBe('/x: annotations/list.txt is missing')
  })

  it('maps a bare 401 to UNAUTHORIZED and a failed fetch to IO_ERROR', async () => {
    const t = env('http://h/', () => new Response('nope', { status: 401, statusText: 'Unauthorized' }))
    const api = createHttpClient(t.env)
    await expect(api['app:info']()).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    // No token anywhere: no header is sent rather than an empty one.
    expect((t.sent[0]!.init.headers as Record<string, string>)['x-workbench-token']).toBeUndefined()
    const down = env('http://h/?token=t', () => Promise.reject(new TypeError('Failed to fetch')))
    await expect(createHttpClient(down.env)['app:info']()).rejects.toMatchObject({ code: 'IO_ERROR' })
  })

  it('builds media URLs and one event stream carrying the token', () => {
    const t = env('http://h/?token=a%20b', () => json(null))
    const api = createHttpClient(t.env)
    expect(api.mediaUrl('thumb', 12)).toBe('/media/thumb/12?token=a%20b')
    expect(api.mediaUrl('image', 3)).toBe('/media/image/3?token=a%20b')
    const got: unknown[] = []
    const off = api.on('dataset:progress', (p) => got.push(p))
    api.on('dataset:opened', () => undefined)
    expect(t.sources).toHaveLength(1)
    expect(t.sources[0]!.url).toBe('/events?token=a%20b')
    const payload = { phase: 'index', done: 5, total: 10, message: 'x' }
    t.sources[0]!.dispatch('dataset:progress', JSON.stringify(payload))
    off()
    t.sources[0]!.dispatch('dataset:progress', JSON.stringify(payload))
    expect(got).toEqual([payload])
  })
})
