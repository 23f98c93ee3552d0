// Faults of the pool with the real things (a redis-server, a worker process): an app closed while a
// worker trains its run follows the same job again when it comes back, replaying every epoch once and
// training nothing twice; a worker starting on a data folder removes what dead workers left there; a run
// no worker can train is given back by each and failed with their reasons.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { RunsRepo } from '../../../src/main/db/repositories/runs-repo'
import { keys } from '../../../src/main/pool/protocol'
import { connectRedis } from '../../../src/main/pool/redis'
import { RunTarget } from '../../../src/main/services/pool-setting'
import { useRunsWorld } from '../runs-world'
import { startWorker } from './harness'
import { until } from './pool-checks'
import { usePool } from './pool-world'

const w = useRunsWorld('wb-pool-faults-')
const pool = usePool(w, 1)

const trainedCount = (runId: number): number =>
  pool.workers.reduce((n, p) => n + p.output().split('\n').filter((l) => l.includes(`training run #${runId} (job`)).length, 0)

describe('pool faults', () => {
  it('replays what a worker did while the app was closed, and trains the run once', async () => {
    const repo = new RunsRepo(w.db)
    let firstEpoch: () => void = () => undefined
    const training = new Promise<void>((resolve) => (firstEpoch = resolve))
    const before: string[] = []
    const app = pool.service(before, (name, payload) => {
      const id = (payload as { id?: number }).id
      if (name === 'runs:changed' && id !== undefined && app.get(id).epochs.length > 0) firstEpoch()
    })
    const run = await app.enqueue(w.tiny({ seed: 31, epochs: 8 }))
    app.start()
    await training
    await app.close()
    const left = repo.get(run.id)!
    expect(left.summary.status).toBe('interrupted')
    expect(left.poolJob).toMatch(/^[0-9a-f-]{36}$/)
    const recordedBefore = repo.epochs(run.id).length
    expect(recordedBefore).toBeLessThan(8)

    // The worker trains on without the app: its 'done' reaches the job's stream.
    const redis = connectRedis(pool.redis.url)
    try {
      const events = keys.events(left.poolJob!)
      await until("the worker's done", async () => (await redis.xrange(events, '-', '+')).some(([, f]) => (f[1] ?? '').includes('"type":"done"')))

      const after: string[] = []
      const back = pool.service(after)
      back.start()
      const end = await back.waitFor(run.id)
      expect(end.status).toBe('done')
      expect(back.get(run.id).epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
      expect(after.some((l) => l.includes(`run #${run.id}: following its job ${left.poolJob} again`))).toBe(true)
      expect(trainedCount(run.id)).toBe(1)
      const dir = back.get(run.id).checkpointDir!
      expect(existsSync(dir) && readdirSync(dir).length).toBeTruthy()
      // Followed to its end: the job's keys are gone and the run no longer names a job.
      expect(await redis.exists(events)).toBe(0)
      expect(repo.get(run.id)!.poolJob).toBeNull()
    } finally {
      redis.disconnect()
    }
  })

  it('drops the pool job of a run cancelled while the app was away, so its worker stops training it', async () => {
    const repo = new RunsRepo(w.db)
    let firstEpoch: () => void = () => undefined
    const training = new Promise<void>((resolve) => (firstEpoch = resolve))
    const target = new RunTarget({ db: w.db, onLimits: () => undefined, log: () => undefined })
    await target.set({ mode: 'pool', redisUrl: pool.redis.url })
    const app = w.service({ execute: target.execute, planBackend: target.planBackend, abandon: target.abandon, emit: (name, payload) => {
      const id = (payload as { id?: number }).id
      if (name === 'runs:changed' && id !== undefined && app.get(id).epochs.length > 0) firstEpoch()
    } })
    try {
      const run = await app.enqueue(w.tiny({ seed: 34, epochs: 2000 }))
      app.start()
      await training
      await app.close()
      const jobId = repo.get(run.id)!.poolJob!
      // Back, the user cancels the interrupted run before it is followed again (the queue not started).
      const back = w.service({ execute: target.execute, planBackend: target.planBackend, abandon: target.abandon })
      expect(back.cancel(run.id).status).toBe('cancelled')
      expect(repo.get(run.id)!.poolJob).toBeNull()
      const worker = pool.workers[0]!
      await until('the worker to stop the run', async () => worker.output().includes(`run #${run.id} cancelled after`), 20_000)
      expect(trainedCount(run.id)).toBe(1)
      const redis = connectRedis(pool.redis.url)
      try {
        // No longer held by a worker, nor waiting for one.
        await until('the job to leave the active list', async () => !(await redis.lrange('unet-pool:bull:train:active', 0, -1)).includes(jobId), 10_000)
        expect(await redis.lrange('unet-pool:bull:train:wait', 0, -1)).not.toContain(jobId)
      } finally {
        redis.disconnect()
      }
    } finally {
      await target.close()
    }
  })

  it('removes the job folders a dead worker left in a data folder, and only those', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wb-pool-sweep-'))
    const ghost = join(dataDir, 'jobs', 'vm-1-dead00', 'job.1234abcd', 'run')
    const alive = join(dataDir, 'jobs', pool.workers[0]!.id, 'job.5678abcd')
    mkdirSync(ghost, { recursive: true })
    mkdirSync(alive, { recursive: true })
    writeFileSync(join(ghost, 'weights.bin'), 'x')
    const worker = await startWorker(pool.redis.url, dataDir)
    try {
      await until('the dead worker\'s folder to go', async () => !existsSync(join(dataDir, 'jobs', 'vm-1-dead00')))
      expect(existsSync(alive)).toBe(true)
      expect(worker.output()).toContain('removed the job folders of 1 worker(s) that died here: vm-1-dead00')
    } finally {
      await worker.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })

  it('fails a run no worker can train (its backend, its memory) with each worker’s reason, and takes its job off the queue', async () => {
    const log: string[] = []
    const app = pool.service(log)
    // No worker here loads tfjs-node-gpu (libtensorflow is not installed on this machine).
    const run = await app.enqueue(w.tiny({ seed: 32, backend: 'tfjs-node-gpu' }))
    app.start()
    const end = await app.waitFor(run.id)
    expect(end.status).toBe('failed')
    const worker = pool.workers[0]!
    expect(end.error).toMatch(/no worker in the pool can train this run/)
    expect(end.error).toContain(`worker ${worker.id}`)
    expect(end.error).toMatch(/asks for the tfjs-node-gpu backend, which does not load here/)
    expect(log.some((l) => l.includes(`worker ${worker.id}`) && l.includes('gave it back'))).toBe(true)
    expect(worker.output()).toContain(`gave run #${run.id} back`)
    expect(trainedCount(run.id)).toBe(0)
    expect(log.some((l) => l.includes(`run #${run.id} training on worker`))).toBe(false)
    // And a run whose step does not fit the worker's memory: given back with the numbers, then failed.
    const big = await app.enqueue(w.tiny({ seed: 33, imageSize: 256, batchSize: 1024 }))
    const bigEnd = await app.waitFor(big.id)
    expect(bigEnd.status).toBe('failed')
    expect(bigEnd.error).toMatch(new RegExp(`no worker in the pool can train this run — .*\\(worker ${worker.id}\\): batch 1024 needs about [\\d.]+ GiB per training step but the wasm backend has about 3\\.6 GiB`))
    expect(trainedCount(big.id)).toBe(0)
    // Not left to circle between the queue and the workers: nothing waits, nothing is delayed.
    const redis = connectRedis(pool.redis.url)
    try {
      const bull = 'unet-pool:bull:train'
      expect([await redis.llen(`${bull}:wait`), await redis.zcard(`${bull}:delayed`), await redis.llen(`${bull}:active`)]).toEqual([0, 0, 0])
    } finally {
      redis.disconnect()
    }
  })
})
