// Workers fetching a run's images from the app's web mode (web/pool-data.ts), against the real web
// server in this process, a real redis-server and a real worker process: runs train with no pixels in
// Redis into the same rows as local runs, and a second run on the same images downloads nothing (the
// worker's cache); the pool route takes the pool token alone and the UI's API refuses it; an app the
// workers cannot reach fails the run with its URL. In the worker's own code path: a stale cache is
// dropped and fetched again, and pixels the app can no longer make are given back with the reason.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventHub } from '../../../src/main/events'
import { PoolCoordinator } from '../../../src/main/pool/coordinator'
import { datasetFingerprint } from '../../../src/main/pool/dataset-fingerprint'
import type { FetchSource } from '../../../src/main/pool/fetch-source'
import { GiveBack } from '../../../src/main/pool/give-back'
import { jobPixels } from '../../../src/main/pool/job-pixels'
import { PixelCache } from '../../../src/main/pool/pixel-cache'
import { pixelRefOf } from '../../../src/main/pool/pixels'
import type { PoolJob } from '../../../src/main/pool/protocol'
import { connectRedis } from '../../../src/main/pool/redis'
import { LabelsService } from '../../../src/main/services/labels-service'
import type { RunsService } from '../../../src/main/services/runs-service'
import { trainingDataByName } from '../../../src/main/training/host/data/by-name'
import { poolTokenOf } from '../../../src/main/web/pool-data'
import { type RunningServer, startWebServer } from '../../../src/main/web/server'
import type { Api } from '../../../src/shared/api'
import type { RunConfig } from '../../../src/shared/types/runs'
import { useRunsWorld } from '../runs-world'
import { freePort, startWorker, type WorkerProcess } from './harness'
import { dataKeys, expectSameRows, trainAll } from './pool-checks'
import { usePool } from './pool-world'

const TOKEN = 'ui-token-of-the-pool-fetch-test'
const POOL_TOKEN = poolTokenOf(TOKEN)
const w = useRunsWorld('wb-pool-fetch-')
const pool = usePool(w, 0)
let dir = ''
let web: RunningServer
let worker: WorkerProcess
/** Every request the pool route answered: "pixels 12 32". */
const served: string[] = []
const coordinators: PoolCoordinator[] = []
const appUrl = (): string => `http://127.0.0.1:${web.port}`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-pool-fetch-files-'))
  const handlers = { 'app:info': async () => ({ version: '0', mode: 'web', dataDir: dir, canPickFiles: false }) } as unknown as Api
  const poolImages = {
    getResized: (id: number, size: number) => (served.push(`pixels ${id} ${size}`), w.datasets.getResized(id, size)),
    getResizedTrimap: (id: number, size: number) => (served.push(`trimap ${id} ${size}`), w.datasets.getResizedTrimap(id, size)),
  }
  web = await startWebServer({ handlers, events: new EventHub(), media: async () => ({ bytes: Buffer.alloc(0), mime: '' }), staticDir: dir, token: TOKEN, poolImages })
  worker = await startWorker(pool.redis.url, join(dir, 'worker'), ['--lock-seconds', '2'])
})
afterAll(async () => {
  await Promise.all(coordinators.map((c) => c.close()))
  await worker?.stop()
  await web?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** A service on the pool whose coordinator sends workers to `source` for the images. */
function fetchingService(log: string[], source: () => FetchSource): RunsService {
  const c = new PoolCoordinator({ redisUrl: pool.redis.url, pollMs: 200, fetch: source, log: (l) => log.push(l) })
  coordinators.push(c)
  return w.service({ execute: c.execute, planBackend: c.planBackend, maxConcurrent: 2, cores: 2, concurrentMemoryBytes: Number.MAX_SAFE_INTEGER })
}

/** One GET by node:http, so the Host header can be any name (a worker's view of the app). */
function get(path: string, headers: Record<string, string>): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: web.port, path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('workers fetching images from web mode', () => {
  const configs = (): RunConfig[] => [
    w.tiny({ seed: 51, epochs: 2 }),
    // Its pixels have no trimaps, its SSL-health batch does.
    w.tiny({ kind: 'pretrain', method: 'simclr', seed: 52, labels: undefined, epochs: 1 }),
  ]

  it('trains runs with no pixels in Redis into the same rows as local runs; a second run on the same images downloads nothing', async () => {
    const twins = await trainAll(w.service(), configs())
    const log: string[] = []
    const runs = fetchingService(log, () => ({ url: appUrl(), token: POOL_TOKEN }))
    const done = await trainAll(runs, configs())
    for (const [k, run] of done.entries()) {
      expectSameRows(run, twins[k]!)
      expect(log.some((l) => l.includes(`run #${run.id}: pixels fetched from the app at ${appUrl()}`)), log.join('\n')).toBe(true)
    }
    expect(done[1]!.epochs[0]!.health?.probe).toEqual(expect.any(Number))
    expect(await dataKeys(pool.redis.url)).toEqual([])
    const firstRound = served.length
    expect(served.some((s) => s.startsWith('trimap '))).toBe(true)
    const fingerprint = await datasetFingerprint(w.datasets, w.datasetId)
    expect(readdirSync(join(dir, 'worker', 'cache', fingerprint, '32')).length).toBe(new Set(served).size)

    const again = await trainAll(runs, configs())
    for (const run of again) {
      expect(run.status, run.error ?? '').toBe('done')
      expect(log.find((l) => l.includes(`run #${run.id}: pixels fetched`)), log.join('\n')).toMatch(/: 0 of \d+ files downloaded, the rest from this worker's cache$/)
    }
    expect(served.length).toBe(firstRound)
    expect(await dataKeys(pool.redis.url)).toEqual([])
  })

  it('serves /pool/… to the pool token alone, from any Host, and the UI\'s API refuses the pool token', async () => {
    const [img] = w.datasets.listImages({ datasetId: w.datasetId, label: 'labelled' })
    const path = `/pool/pixels/${img!.id}?size=32`
    const lan = { host: `workbench-lan:${web.port}` }
    const ok = await get(path, { ...lan, authorization: `Bearer ${POOL_TOKEN}` })
    expect(ok.status).toBe(200)
    expect(ok.type).toBe('application/octet-stream')
    expect(ok.body.equals(Buffer.from(await w.datasets.getResized(img!.id, 32)))).toBe(true)
    const trimap = await get(`/pool/trimap/${img!.id}?size=32`, { authorization: `Bearer ${POOL_TOKEN}` })
    expect(trimap.body.equals(Buffer.from((await w.datasets.getResizedTrimap(img!.id, 32))!))).toBe(true)

    const wrong: Record<string, string>[] = [
      {}, { authorization: 'Bearer not-the-pool-token-at-all' }, { authorization: `Bearer ${TOKEN}` },
      { 'x-workbench-token': TOKEN }, { cookie: `wb_token=${TOKEN}` },
    ]
    for (const headers of wrong) {
      const refused = await get(path, { ...lan, ...headers })
      expect(refused.status, JSON.stringify(headers)).toBe(401)
      expect(refused.body.toString()).toContain('pool token')
    }
    expect((await get(`${path}&token=${TOKEN}`, {})).status).toBe(401)

    const api = (headers: Record<string, string>): Promise<number> =>
      fetch(`${appUrl()}/api/app:info`, { method: 'POST', headers, body: '' }).then((r) => r.status)
    expect(await api({ 'x-workbench-token': TOKEN })).toBe(200)
    expect(await api({ 'x-workbench-token': POOL_TOKEN })).toBe(401)
    expect(await api({ authorization: `Bearer ${POOL_TOKEN}` })).toBe(401)
    // The rest of web mode still answers to loopback names only.
    expect((await get('/api/app:info', { ...lan, 'x-workbench-token': TOKEN })).status).toBe(401)

    const bearer = { authorization: `Bearer ${POOL_TOKEN}` }
    expect((await get(`/pool/pixels/999999?size=32`, bearer)).status).toBe(404)
    expect((await get(`/pool/pixels/${img!.id}?size=big`, bearer)).status).toBe(400)
    expect((await get(`/pool/pixels/${img!.id}?size=4`, bearer)).status).toBe(400)
    expect((await get('/pool/../api/app:info', bearer)).status).toBe(404)
  })

  it('fails a run whose images no worker can fetch, naming the URL and the HTTP status, never the token', async () => {
    const port = await freePort()
    const log: string[] = []
    const [unreachable] = await trainAll(fetchingService(log, () => ({ url: `http://127.0.0.1:${port}`, token: POOL_TOKEN })), [w.tiny({ seed: 53 })])
    expect(unreachable!.status).toBe('failed')
    expect(unreachable!.error).toMatch(new RegExp(`^no worker in the pool can train this run — .*cannot reach the app at http://127\\.0\\.0\\.1:${port}/pool/(pixels|trimap)/\\d+\\?size=32: .*ECONNREFUSED`))
    expect(unreachable!.error).not.toContain(POOL_TOKEN)

    const [refused] = await trainAll(fetchingService(log, () => ({ url: appUrl(), token: poolTokenOf('another-app') })), [w.tiny({ seed: 54 })])
    expect(refused!.status).toBe('failed')
    expect(refused!.error).toMatch(new RegExp(`the app at ${appUrl()}/pool/(pixels|trimap)/\\d+\\?size=32 answered HTTP 401 \\(Missing or wrong pool token`))
    expect(refused!.error).not.toContain(poolTokenOf('another-app'))
  })

  it('drops a stale cache and fetches once more; gives back pixels the app no longer makes, and a trimap it no longer has', async () => {
    const redis = connectRedis(pool.redis.url)
    const cache = new PixelCache(join(dir, 'in-process-cache'))
    try {
      const fingerprint = await datasetFingerprint(w.datasets, w.datasetId)
      const labelled = w.datasets.listImages({ datasetId: w.datasetId, label: 'labelled' }).slice(0, 6)
      const names = labelled.map((i) => i.name)
      const data = await trainingDataByName(w.datasets, w.datasetId, { images: names, health: null }, 32, true)
      const fetchOf = { url: appUrl(), token: POOL_TOKEN, ids: labelled.map((i) => i.id), healthIds: null }
      const ref: PoolJob['data'] = { ...pixelRefOf(data), stored: false, dataset: { fingerprint, names, healthNames: null }, fetch: fetchOf }
      const lines: string[] = []
      const say = (l: string): number => lines.push(l)

      const first = await jobPixels(redis, undefined, ref, say, cache)
      expect(Buffer.from(first.trimaps!).equals(Buffer.from(data.trimaps!))).toBe(true)
      expect(lines.pop()).toMatch(/: 12 of 12 files downloaded/)

      // A trimap edited since it was cached (same size, other classes).
      await cache.put(fingerprint, 32, names[0]!, 'tri', new Uint8Array(32 * 32).fill(3))
      const before = served.length
      const second = await jobPixels(redis, undefined, ref, say, cache)
      expect(Buffer.from(second.trimaps!).equals(Buffer.from(data.trimaps!))).toBe(true)
      expect(lines.join('\n')).toContain("make other pixels (sha256 ")
      expect(lines.join('\n')).toContain("dropping this worker's cache of it and fetching them all again")
      expect(served.length - before).toBe(12)

      const changed = await jobPixels(redis, undefined, { ...ref, sha256: 'f'.repeat(64) }, say, cache).catch((err: unknown) => err)
      expect(changed).toBeInstanceOf(GiveBack)
      expect((changed as GiveBack).reason).toMatch(/the images the app at http:\/\/127\.0\.0\.1:\d+ serves now make other pixels than the run's .*were not stored in Redis \(the app serves them over HTTP\)/)

      // Last, as it changes the world: a label cleared after the run was queued.
      const [gone] = labelled
      await new LabelsService({ datasets: w.datasets }).clear(gone!.id)
      const none = await get(`/pool/trimap/${gone!.id}?size=32`, { authorization: `Bearer ${POOL_TOKEN}` })
      expect(none.status).toBe(404)
      expect(none.body.toString()).toContain(`image ${gone!.id} has no trimap (no label)`)
      const missing = await jobPixels(redis, undefined, ref, say, new PixelCache(join(dir, 'fresh-cache'))).catch((err: unknown) => err)
      expect(missing).toBeInstanceOf(GiveBack)
      expect((missing as GiveBack).reason).toContain(`the app at ${appUrl()}/pool/trimap/${gone!.id}?size=32 answered HTTP 404 (image ${gone!.id} has no trimap`)
    } finally {
      redis.disconnect()
    }
  })
})
