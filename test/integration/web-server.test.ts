// Web mode over real HTTP: token on every request, contract calls validated, images only by id.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeWire, decodeWireBinary, encodeWire, encodeWireBinary, WIRE_BINARY_TYPE } from '../../src/shared/wire'
import type { IndexSummary } from '../../src/shared/types/dataset'
import { generateDemoDataset } from '../../src/main/dataset/demo/generate'
import { useWebApp } from './web-app'

const token = 'test-token-1234567890'
const app = useWebApp({ prefix: 'wb-web-', token, seed: 3 })

async function call(channel: string, arg?: unknown, headers: Record<string, string> = { 'x-workbench-token': token }) {
  const res = await fetch(`http://127.0.0.1:${app.web.port}/api/${channel}`, {
    method: 'POST',
    headers,
    body: arg === undefined ? '' : encodeWire(arg),
  })
  return { status: res.status, body: decodeWire<Record<string, unknown>>(await res.text()) }
}

describe('web mode', () => {
  it('refuses requests without the right token, page and API alike', async () => {
    expect((await fetch(`http://127.0.0.1:${app.web.port}/`)).status).toBe(401)
    expect((await call('datasets:list', undefined, {})).status).toBe(401)
    expect((await call('datasets:list', undefined, { 'x-workbench-token': token + 'x' })).status).toBe(401)
    const media = await fetch(`http://127.0.0.1:${app.web.port}/media/thumb/1`)
    expect(media.status).toBe(401)
  })

  it('sets a cookie from the token in the URL so the page can load its assets', async () => {
    const page = await fetch(`http://127.0.0.1:${app.web.port}/?token=${token}`)
    expect(page.status).toBe(200)
    const cookie = page.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/HttpOnly/)
    const again = await fetch(`http://127.0.0.1:${app.web.port}/`, { headers: { cookie: cookie.split(';')[0]! } })
    expect(again.status).toBe(200)
    expect(again.headers.get('content-security-policy')).toContain("default-src 'self'")
  })

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http')
    const status = await new Promise<number>((resolve) => {
      request({ port: app.web.port, host: '127.0.0.1', path: '/', headers: { host: 'evil.example:80', 'x-workbench-token': token } }, (res) =>
        resolve(res.statusCode ?? 0),
      ).end()
    })
    expect(status).toBe(401)
  })

  it('answers contract calls, validates arguments and returns errors as {code, message}', async () => {
    const opened = await call('datasets:open', { path: join(app.dir, 'pets') })
    expect(opened.status).toBe(200)
    const summary = opened.body as unknown as IndexSummary
    expect(summary.images).toBeGreaterThan(30)

    const bad = await call('images:get', { id: 'one' })
    expect(bad.status).toBe(400)
    expect(bad.body['error']).toMatchObject({ code: 'BAD_INPUT' })

    const missing = await call('datasets:open', { path: join(app.dir, 'nowhere') })
    expect(missing.status).toBeGreaterThanOrEqual(400)
    expect((missing.body['error'] as { message: string }).message).toMatch(/nowhere|images|not/i)

    const unknown = await call('nope:nothing')
    expect(unknown.status).toBe(404)
  })

  it('sends trimaps as raw bytes and images only by indexed id', async () => {
    const current = await call('datasets:current')
    const datasetId = (current.body as { id: number }).id
    const list = await call('images:list', { datasetId, breed: 'Abyssinian' })
    const images = list.body as unknown as { id: number; label: string | null }[]
    const labelled = images.find((i) => i.label !== null)!
    const trimap = (await call('labels:get', { imageId: labelled.id })).body as unknown as { data: Uint8Array; width: number; height: number }
    expect(trimap.data).toBeInstanceOf(Uint8Array)
    expect(trimap.data.length).toBe(trimap.width * trimap.height)
    expect(new Set(trimap.data)).toEqual(new Set([1, 2, 3]))

    const thumb = await fetch(`http://127.0.0.1:${app.web.port}/media/thumb/${labelled.id}`, { headers: { 'x-workbench-token': token } })
    expect(thumb.status).toBe(200)
    expect(thumb.headers.get('content-type')).toMatch(/^image\//)
    const escape = await fetch(`http://127.0.0.1:${app.web.port}/media/image/..%2F..%2Fetc%2Fpasswd`, { headers: { 'x-workbench-token': token } })
    expect(escape.status).toBe(404)
    const noSuch = await fetch(`http://127.0.0.1:${app.web.port}/media/image/999999`, { headers: { 'x-workbench-token': token } })
    expect(noSuch.status).toBe(404)
  })

  it('speaks the binary framing: a trimap saved and read back as raw bytes', async () => {
    const current = await call('datasets:current')
    const datasetId = (current.body as { id: number }).id
    const [image] = (await call('images:list', { datasetId, breed: 'Bengal' })).body as unknown as { id: number }[]
    const detail = (await call('images:get', { id: image!.id })).body as unknown as { width: number; height: number }
    const data = new Uint8Array(detail.width * detail.height).fill(2)
    data[0] = 1
    const binary = { 'x-workbench-token': token, 'content-type': WIRE_BINARY_TYPE, accept: WIRE_BINARY_TYPE }
    const post = (channel: string, arg: unknown) =>
      fetch(`http://127.0.0.1:${app.web.port}/api/${channel}`, { method: 'POST', headers: binary, body: encodeWireBinary(arg) })
    const saved = await post('labels:save', { imageId: image!.id, trimap: { width: detail.width, height: detail.height, data } })
    expect(saved.status).toBe(200)
    expect(saved.headers.get('content-type')).toBe(WIRE_BINARY_TYPE)
    const read = await post('labels:get', { imageId: image!.id })
    const trimap = decodeWireBinary<{ data: Uint8Array }>(new Uint8Array(await read.arrayBuffer()))
    expect(trimap.data).toEqual(data)

    const truncated = await fetch(`http://127.0.0.1:${app.web.port}/api/labels:get`, {
      method: 'POST', headers: binary, body: new Uint8Array([200, 0, 0, 0, 123]),
    })
    expect(truncated.status).toBe(400)
    expect((await truncated.json()).error.code).toBe('BAD_INPUT')
  })

  it('streams progress events while a dataset is indexed', async () => {
    const controller = new AbortController()
    const res = await fetch(`http://127.0.0.1:${app.web.port}/events`, { headers: { 'x-workbench-token': token }, signal: controller.signal })
    const reader = res.body!.getReader()
    const received: string[] = []
    const reading = (async () => {
      const decoder = new TextDecoder()
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        received.push(decoder.decode(value))
        if (received.join('').includes('event: dataset:progress')) break
      }
    })()
    await generateDemoDataset({ out: join(app.dir, 'pets2'), perBreed: 1, seed: 4 })
    await call('datasets:open', { path: join(app.dir, 'pets2') })
    await Promise.race([reading, new Promise((r) => setTimeout(r, 5000))])
    controller.abort()
    expect(received.join('')).toContain('event: dataset:progress')
  })
})
