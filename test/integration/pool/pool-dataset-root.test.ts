// Workers with a local copy of the dataset (`--dataset-root`), real redis-server and worker processes:
// one on the runs world's own dataset announces its fingerprint and trains runs whose pixels never went
// to Redis (above a tiny cap) into the same rows as local runs; one whose copy has a trimap changed
// announces another fingerprint and trains on the pixels in Redis. In the worker's own code path:
// pixels built from a matching copy are checked against the job's sha256 (a mismatch falls back to
// Redis), and a job it can get from neither is given back with the dataset and the pixels' size.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeTrimap } from '../../../src/main/dataset/image-cache'
import { encodeTrimapPng, trimapRel } from '../../../src/main/dataset/trimap-file'
import { PoolCoordinator } from '../../../src/main/pool/coordinator'
import { datasetFingerprint } from '../../../src/main/pool/dataset-fingerprint'
import { GiveBack } from '../../../src/main/pool/give-back'
import { jobPixels } from '../../../src/main/pool/job-pixels'
import { LocalDatasets } from '../../../src/main/pool/local-datasets'
import { putPixels } from '../../../src/main/pool/pixels'
import type { PoolJob } from '../../../src/main/pool/protocol'
import { connectRedis } from '../../../src/main/pool/redis'
import type { RunsService } from '../../../src/main/services/runs-service'
import { trainingDataByName } from '../../../src/main/training/host/data/by-name'
import type { RunConfig } from '../../../src/shared/types/runs'
import { useRunsWorld } from '../runs-world'
import { startWorker, type WorkerProcess } from './harness'
import { dataKeys, expectSameRows, trainAll } from './pool-checks'
import { usePool } from './pool-world'

const w = useRunsWorld('wb-pool-root-')
const pool = usePool(w, 0)
let dir = ''
const coordinators: PoolCoordinator[] = []

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-pool-root-copies-'))
})
afterAll(async () => {
  await Promise.all(coordinators.map((c) => c.close()))
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** A service on the pool, its coordinator storing pixels in Redis only up to `maxDataBytes`. */
function poolService(log: string[], maxDataBytes?: number): { runs: RunsService; coordinator: PoolCoordinator } {
  const c = new PoolCoordinator({ redisUrl: pool.redis.url, pollMs: 200, maxDataBytes, log: (l) => log.push(l) })
  coordinators.push(c)
  const runs = w.service({ execute: c.execute, planBackend: c.planBackend, maxConcurrent: 2, cores: 2, concurrentMemoryBytes: Number.MAX_SAFE_INTEGER })
  return { runs, coordinator: c }
}

async function withWorker<T>(name: string, root: string, fn: (worker: WorkerProcess) => Promise<T>): Promise<T> {
  const worker = await startWorker(pool.redis.url, join(dir, name), ['--lock-seconds', '2', '--dataset-root', root])
  try {
    return await fn(worker)
  } finally {
    await worker.stop()
  }
}

describe('workers with --dataset-root', () => {
  const configs = (): RunConfig[] => [
    w.tiny({ seed: 41, epochs: 2 }),
    // A pretraining also needs its SSL-health batch built by name.
    w.tiny({ kind: 'pretrain', method: 'simclr', seed: 42, labels: undefined, epochs: 1 }),
  ]

  it('announces its copy\'s fingerprint and trains runs whose pixels were not put in Redis into the same rows as local runs', async () => {
    const fingerprint = await datasetFingerprint(w.datasets, w.datasetId)
    const twins = await trainAll(w.service(), configs())
    const log: string[] = []
    const { runs, coordinator } = poolService(log, 1)
    await withWorker('same', join(w.dir, 'pets'), async (worker) => {
      const me = (await coordinator.workers()).find((a) => a.id === worker.id)
      expect(me?.datasets).toEqual([{ fingerprint, images: 40 }])
      const done = await trainAll(runs, configs())
      for (const [k, run] of done.entries()) {
        expectSameRows(run, twins[k]!)
        expect(log.some((l) => l.includes(`run #${run.id}: its `) && l.includes("above the pool's Redis cap"))).toBe(true)
        expect(log.some((l) => l.includes(`run #${run.id}: pixels built from this worker's copy of dataset ${fingerprint.slice(0, 12)}`))).toBe(true)
      }
      // The SSL-health batch came along: its probe needs the held-out labels.
      expect(done[1]!.epochs[0]!.health?.probe).toEqual(expect.any(Number))
    })
    expect(await dataKeys(pool.redis.url)).toEqual([])
  })

  it('falls back to the pixels in Redis on a worker whose copy has one trimap changed', async () => {
    const copy = join(dir, 'pets-edited')
    cpSync(join(w.dir, 'pets'), copy, { recursive: true })
    const img = w.datasets.listImages({ datasetId: w.datasetId, label: 'labelled' })[0]!
    const t = await decodeTrimap(join(copy, trimapRel(img.name)))
    const data = t.data.slice()
    data[0] = data[0] === 1 ? 2 : 1
    writeFileSync(join(copy, trimapRel(img.name)), encodeTrimapPng({ ...t, data }))

    const fingerprint = await datasetFingerprint(w.datasets, w.datasetId)
    const log: string[] = []
    const { runs, coordinator } = poolService(log)
    await withWorker('edited', copy, async (worker) => {
      const held = (await coordinator.workers()).find((a) => a.id === worker.id)?.datasets
      expect(held).toHaveLength(1)
      expect(held![0]!.fingerprint).not.toBe(fingerprint)
      const [run] = await trainAll(runs, [w.tiny({ seed: 43 })])
      expect(run!.status, run!.error ?? '').toBe('done')
      const why = log.find((l) => l.includes(`run #${run!.id}: this worker's copies`))
      expect(why, log.join('\n')).toContain(`are not dataset ${fingerprint.slice(0, 12)}`)
      expect(why, log.join('\n')).toContain('using the pixels in Redis')
    })
    expect(await dataKeys(pool.redis.url)).toHaveLength(1)
  })

  it('checks the pixels a matching copy builds against the job\'s sha256, and gives back a job it has no pixels for', async () => {
    const local = await LocalDatasets.open([join(w.dir, 'pets')], join(dir, 'in-process'), () => undefined)
    const redis = connectRedis(pool.redis.url)
    try {
      const fingerprint = local.list[0]!.fingerprint
      const names = w.datasets.listImages({ datasetId: w.datasetId, label: 'labelled' }).slice(0, 6).map((i) => i.name)
      const data = await trainingDataByName(w.datasets, w.datasetId, { images: names, health: null }, 32, true)
      const ref = await putPixels(redis, data)
      const job = (over: Partial<PoolJob['data']>): PoolJob['data'] => ({ ...ref, dataset: { fingerprint, names, healthNames: null }, fetch: null, ...over })
      const lines: string[] = []
      const say = (l: string): number => lines.push(l)

      const same = await jobPixels(redis, local, job({}), say)
      expect(Buffer.from(same.images).equals(Buffer.from(data.images))).toBe(true)
      expect(lines.pop()).toContain("pixels built from this worker's copy")

      // The same images in another order: the copy builds other bytes, so the worker uses Redis's.
      const reordered = await jobPixels(redis, local, job({ dataset: { fingerprint, names: [...names].reverse(), healthNames: null } }), say)
      expect(Buffer.from(reordered.images).equals(Buffer.from(data.images))).toBe(true)
      expect(lines.pop()).toMatch(/built different pixels \(sha256 [0-9a-f]{12}…, the job's [0-9a-f]{12}…\).*: using the pixels in Redis$/)

      const elsewhere = job({ stored: false, dataset: { fingerprint: 'f'.repeat(64), names, healthNames: null } })
      const refused = await jobPixels(redis, local, elsewhere, say).catch((err: unknown) => err)
      expect(refused).toBeInstanceOf(GiveBack)
      expect((refused as GiveBack).reason).toMatch(/are not dataset ffffffffffff….*6 images at 32 px \(24 KiB\) were not stored in Redis/)
    } finally {
      redis.disconnect()
      local.close()
    }
  })
})
