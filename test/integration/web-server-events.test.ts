// Web mode's ordering of answers and events (src/main/call-order.ts, bound in web/server.ts) over real
// HTTP: an event a call raises reaches the event stream after the call's answer (so 'labels:changed'
// refreshes never hold up the editor's "Saved"); a long call's progress events stream while it runs;
// events raised outside any call go out at once.
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Api } from '../../src/shared/api'
import { TOKEN_HEADER } from '../../src/shared/web-protocol'
import { encodeWire } from '../../src/shared/wire'
import { EventHub } from '../../src/main/events'
import { startWebServer, type RunningServer } from '../../src/main/web/server'

const token = 'events-token-1234567890'
const events = new EventHub()
let web: RunningServer
/** What the client saw, in the order it saw it. */
const seen: string[] = []
let releaseImport: () => void = () => {}

const handlers = {
  // Raises its event a while before it answers: without the ordering the event would go out first.
  'labels:clear': async ({ imageId }: { imageId: number }) => {
    events.emit('labels:changed', { imageId, label: null })
    await new Promise((r) => setTimeout(r, 50))
    return { id: imageId }
  },
  // Raises its event in the same turn as it answers, as LabelsService does.
  'labels:revert': async ({ imageId }: { imageId: number }) => {
    events.emit('labels:changed', { imageId, label: 'original' })
    return { id: imageId }
  },
  // A long call: progress first, the answer only once the test has seen that progress.
  'datasets:openDemo': async () => {
    events.emit('dataset:progress', { phase: 'scanning', done: 1, total: 2 } as never)
    await new Promise<void>((r) => (releaseImport = r))
    return { datasetId: 1 }
  },
} as unknown as Api

/** Sends a call; the answer counts as seen when its response arrives. */
function call(channel: string, arg: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ port: web.port, host: '127.0.0.1', method: 'POST', path: `/api/${channel}`, headers: { [TOKEN_HEADER]: token } }, (res) => {
      seen.push(`answer ${channel} ${res.statusCode}`)
      res.resume().on('end', resolve)
    })
    req.on('error', reject)
    req.end(encodeWire(arg))
  })
}

/** Opens the event stream; resolves once it is connected. Each event counts as seen as it arrives. */
function openStream(): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ port: web.port, host: '127.0.0.1', path: '/events', headers: { [TOKEN_HEADER]: token } }, (res) => {
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        for (const m of chunk.matchAll(/^event: (.+)$/gm)) seen.push(`event ${m[1]}`)
        resolve()
      })
    })
    req.on('error', reject)
    req.end()
  })
}

const until = async (cond: () => boolean): Promise<void> => {
  while (!cond()) await new Promise((r) => setTimeout(r, 5))
}

beforeAll(async () => {
  web = await startWebServer({ handlers, events, media: async () => ({ bytes: Buffer.alloc(0), mime: 'text/plain' }), staticDir: '/nonexistent', token })
  await openStream()
})

afterAll(async () => {
  await web.close()
})

describe('web mode: answers before the events they caused', () => {
  it("sends an event a call raised after the call's answer", async () => {
    seen.length = 0
    await call('labels:clear', { imageId: 5 })
    await until(() => seen.length === 2)
    expect(seen).toEqual(['answer labels:clear 200', 'event labels:changed'])
    seen.length = 0
    await call('labels:revert', { imageId: 5 })
    await until(() => seen.length === 2)
    expect(seen).toEqual(['answer labels:revert 200', 'event labels:changed'])
  })

  it("streams a long call's progress while it runs, before its answer", async () => {
    seen.length = 0
    const answered = call('datasets:openDemo', undefined)
    await until(() => seen.includes('event dataset:progress'))
    expect(seen).toEqual(['event dataset:progress'])
    releaseImport()
    await answered
    expect(seen).toEqual(['event dataset:progress', 'answer datasets:openDemo 200'])
  })

  it('sends an event raised outside any call at once', async () => {
    seen.length = 0
    events.emit('labels:changed', { imageId: 6, label: null })
    await until(() => seen.length === 1)
    expect(seen).toEqual(['event labels:changed'])
  })
})
