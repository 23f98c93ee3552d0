// Web mode against requests a browser would not send: mangled cookies, oversized or amplifying
// bodies, wrong methods; and errors from the disk answered with a status that says so.
import { writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { encodeWire, WIRE_BINARY_TYPE } from '../../src/shared/wire'
import { useWebApp } from './web-app'

const token = 'test-token-hardening-1234'
const auth = { 'x-workbench-token': token }
const app = useWebApp({ prefix: 'wb-web-hard-', token, seed: 5 })
const at = app.at

async function call(channel: string, arg: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(at(`/api/${channel}`), { method: 'POST', headers: auth, body: encodeWire(arg) })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** Streams a chunked body (no declared length) of `chunks` MiB and resolves with the answer. */
function postChunked(path: string, chunks: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ port: app.web.port, host: '127.0.0.1', path, method: 'POST', headers: auth }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    const chunk = Buffer.alloc(1024 * 1024, 32)
    let sent = 0
    const pump = (): void => {
      while (sent < chunks && !req.destroyed) {
        sent++
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      if (!req.destroyed) req.end()
    }
    pump()
  })
}

describe('web mode hardening', () => {
  it('ignores a malformed token cookie: a valid ?token= still gets in, and alone it is a 401', async () => {
    const bad = { cookie: 'wb_token=%E0%A4%A' }
    const page = await fetch(at(`/?token=${token}`), { headers: bad })
    expect(page.status).toBe(200)
    expect(page.headers.get('set-cookie')).toContain('wb_token=')
    const alone = await fetch(at('/'), { headers: bad })
    expect(alone.status).toBe(401)
    expect((await alone.json()).error.code).toBe('UNAUTHORIZED')
  })

  it('answers an oversized body with 413 and a message naming the limit', async () => {
    const declared = await fetch(at('/api/datasets:list'), {
      method: 'POST', headers: auth, body: new Uint8Array(64 * 1024 * 1024 + 1),
    })
    expect(declared.status).toBe(413)
    expect((await declared.json()).error.message).toBe('datasets:list: request body is over the 64 MiB (67108864 bytes) limit')

    const streamed = await postChunked('/api/datasets:list', 80)
    expect(streamed.status).toBe(413)
    expect(JSON.parse(streamed.text).error.message).toMatch(/over the 64 MiB \(67108864 bytes\) limit/)
  })

  it('refuses other methods than GET and HEAD for media and events, POST only for calls, with Allow', async () => {
    for (const [method, path] of [['POST', '/media/thumb/1'], ['DELETE', '/events'], ['PUT', '/']]) {
      const res = await fetch(at(path!), { method, headers: auth })
      expect(res.status, `${method} ${path}`).toBe(405)
      expect(res.headers.get('allow')).toBe('GET, HEAD')
      expect((await res.json()).error.message).toBe(`${path} accepts GET or HEAD, not ${method}`)
    }
    const get = await fetch(at('/api/datasets:list'), { headers: auth })
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    const head = await fetch(at('/events'), { method: 'HEAD', headers: auth })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-type')).toBe('text/event-stream')
  })

  it('refuses a 300-byte save whose run-length blobs claim gigabytes, naming the limit', async () => {
    const runs = Uint8Array.from([2, 0x80, 0x80, 0x80, 0x80, 0x01]) // one run of 2^28 bytes
    const ref = { $rle: [0, runs.length, 2 ** 28] }
    const head = new TextEncoder().encode(
      JSON.stringify({ imageId: 1, trimap: { width: 16_384, height: 16_384, data: ref }, a: ref, b: ref, c: ref, d: ref, e: ref, f: ref, g: ref }),
    )
    const body = new Uint8Array(4 + head.length + runs.length)
    new DataView(body.buffer).setUint32(0, head.length, true)
    body.set(head, 4)
    body.set(runs, 4 + head.length)
    const res = await fetch(at('/api/labels:save'), {
      method: 'POST', headers: { ...auth, 'content-type': WIRE_BINARY_TYPE }, body,
    })
    expect(res.status).toBe(400)
    const { error } = await res.json()
    expect(error.code).toBe('BAD_INPUT')
    expect(error.message).toMatch(/^labels:save: .*brings the message to 536870912 bytes, over the limit of 268435456 bytes/)
  })

  it('answers a trimap file that cannot be read as IO_ERROR with 409, naming the file, not 500', async () => {
    expect((await call('datasets:open', { path: join(app.dir, 'pets') })).status).toBe(200)
    const datasetId = (await call('datasets:current', undefined)).body['id']
    const images = (await call('images:list', { datasetId, breed: 'Bengal' })).body as unknown as { id: number; name: string; label: string | null }[]
    const labelled = images.find((i) => i.label !== null)!
    writeFileSync(join(app.dir, 'pets/annotations/trimaps', `${labelled.name}.png`), 'not a png any more')
    const res = await call('labels:get', { imageId: labelled.id })
    expect(res.status).toBe(409)
    expect(res.body['error']).toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining(`${labelled.name}.png`) })
  })
})
