// The worker pool as a user reaches it, against a real redis-server and two worker processes: the
// app's "Run on" setting (refused with the host named when Redis does not answer, stored, switching
// where each run starts, the pool's workers as the limit) and the CLI's --pool, waited for like a local run.
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../../src/main/cli'
import { RunTarget, storePoolSetting } from '../../../src/main/services/pool-setting'
import type { RunsService } from '../../../src/main/services/runs-service'
import { parseArg } from '../../../src/shared/api-schemas'
import { useRunsWorld } from '../runs-world'
import { freePort } from './harness'
import { usePool } from './pool-world'

const w = useRunsWorld('wb-pool-app-')
const pool = usePool(w, 2)

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough()
  const err = Object.assign(new PassThrough(), { isTTY: false })
  let stdout = ''
  let stderr = ''
  out.on('data', (c: Buffer) => (stdout += c.toString()))
  err.on('data', (c: Buffer) => (stderr += c.toString()))
  const code = await runCli([...argv, '--data-dir', join(w.dir, 'cli-data')], { stdout: out, stderr: err })
  return { code, stdout, stderr }
}

const TINY = ['--size', '32', '--simclr-size', '16', '--channels', '4,8', '--batch', '4', '--threads', '1', '--lr', '0.01', '--epochs', '1']

describe('the Run on setting', () => {
  it('refuses a Redis that does not answer, naming its host with the password masked, and stays local', async () => {
    const target = new RunTarget({ db: w.db, onLimits: () => undefined })
    const port = await freePort()
    const err: unknown = await target.set({ mode: 'pool', redisUrl: `redis://:hunter2@127.0.0.1:${port}` }).then(() => null, (e: unknown) => e)
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).message).toContain(`cannot reach the worker pool's Redis at redis://:***@127.0.0.1:${port}`)
    expect((err as Error).message).not.toContain('hunter2')
    expect(target.get()).toEqual({ mode: 'local', redisUrl: null, imagesFrom: null })
    // In web mode the app serves the images to workers, and the setting says from where (never the token).
    target.serveImages({ url: 'http://app-host:5199', token: 'pool-token' })
    expect(target.get()).toEqual({ mode: 'local', redisUrl: null, imagesFrom: 'http://app-host:5199' })
    // The contract refuses what is not a Redis URL before any connection is tried.
    expect(() => parseArg('pool:set', { mode: 'pool', redisUrl: 'http://127.0.0.1:6379' })).toThrow(/redis:\/\/ or rediss:\/\//)
    await target.close()
  })

  it('sends runs that start to the pool, limited by its workers, then back to this machine', async () => {
    let runs: RunsService | null = null
    const target = new RunTarget({ db: w.db, onLimits: (l) => runs?.setLimits(l), log: () => undefined })
    runs = w.service({ execute: target.execute, cores: 3 })
    target.start()
    runs.start()
    try {
      expect(runs.concurrency().limit).toBe(3)
      expect(await target.set({ mode: 'pool', redisUrl: pool.redis.url })).toEqual({ mode: 'pool', redisUrl: pool.redis.url, imagesFrom: null })
      // Stored: the next start of the app reads it back.
      expect(new RunTarget({ db: w.db, onLimits: () => undefined }).get().mode).toBe('pool')
      const listed = await target.workers()
      expect(listed.map((x) => x.id).sort()).toEqual(pool.workers.map((x) => x.id).sort())
      for (const x of listed) expect(x).toMatchObject({ host: expect.any(String), backend: expect.stringMatching(/wasm|cpu/), concurrency: 1, adapter: null })
      // Two workers of one slot each: two runs at a time, whatever this machine's three cores say.
      expect(runs.concurrency().limit).toBe(2)
      expect(runs.setMaxConcurrent(2).max).toBe(2)
      const remote = await Promise.all([1, 2].map(async (seed) => (await runs!.enqueue(w.tiny({ seed }))).id))
      await runs.whenIdle()
      for (const id of remote) {
        expect(runs.get(id).status, runs.get(id).error ?? '').toBe('done')
        expect(pool.workers.map((x) => x.id)).toContain(runs.get(id).worker)
      }

      expect(await target.set({ mode: 'local' })).toEqual({ mode: 'local', redisUrl: pool.redis.url, imagesFrom: null })
      expect(runs.concurrency().limit).toBe(3)
      expect(await target.workers()).toEqual([])
      const { id } = await runs.enqueue(w.tiny({ seed: 3 }))
      const local = await runs.waitFor(id)
      expect(local.status, local.error ?? '').toBe('done')
      expect(local.worker).toBeUndefined()
      expect(runs.get(id).backendReport?.attempts.some((a) => a.reason.includes('pool worker'))).toBe(false)
    } finally {
      await runs.close()
      await target.close()
    }
  })
})

describe('a run’s own choice of where', () => {
  it('trains a run that chose the pool there and one that chose this machine here, whatever the setting', async () => {
    storePoolSetting(w.db, { mode: 'local', redisUrl: null })
    const fresh = new RunTarget({ db: w.db, onLimits: () => undefined })
    // Before any pool was set, a run asking for one is refused with what to do.
    const none = await w.service({ execute: fresh.execute, planBackend: fresh.planBackend }).plan(w.tiny({ runOn: 'pool' }))
    await fresh.close()

    let runs: RunsService | null = null
    const target = new RunTarget({ db: w.db, onLimits: (l) => runs?.setLimits(l), log: () => undefined })
    runs = w.service({ execute: target.execute, planBackend: target.planBackend, cores: 2 })
    target.start()
    runs.start()
    try {
      await target.set({ mode: 'pool', redisUrl: pool.redis.url })
      const here = await runs.enqueue(w.tiny({ seed: 41, runOn: 'local' }))
      await target.set({ mode: 'local' })
      const there = await runs.enqueue(w.tiny({ seed: 42, runOn: 'pool' }))
      expect((await runs.plan(w.tiny({ runOn: 'pool' }))).backend.attempts[0]?.reason).toContain(`trains on a worker of the pool at ${pool.redis.url}`)
      await runs.whenIdle()
      expect(runs.get(here.id).status, runs.get(here.id).error ?? '').toBe('done')
      expect(runs.get(here.id).worker).toBeUndefined()
      expect(runs.get(there.id).status, runs.get(there.id).error ?? '').toBe('done')
      expect(pool.workers.map((x) => x.id)).toContain(runs.get(there.id).worker)
    } finally {
      await runs.close()
      await target.close()
    }
    if (none.ok) throw new Error('a run asking for the pool was planned with no pool set')
    expect(none.problems.join('; ')).toContain('no pool is set: connect Run on → worker pool to its Redis first')
  })
})

describe('cli --pool', () => {
  it('trains a pipeline on the pool and prints the same --json, with the worker that trained each run', async () => {
    const r = await cli('pipeline', '--dataset', join(w.dir, 'pets'), '--method', 'simclr', '--labels', '6', '--pretrain-epochs', '1', '--json', '--pool', pool.redis.url, ...TINY)
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout.trim())
    const ids = pool.workers.map((x) => x.id)
    expect(j).toMatchObject({ status: 'done', trainImages: 6, config: { kind: 'finetune', method: 'simclr' }, pretrain: { status: 'done', reused: false } })
    expect(ids).toContain(j.worker)
    expect(ids).toContain(j.pretrain.worker)
    expect(j.metrics).toMatchObject({ meanIou: expect.any(Number) })
    // The pretraining's health was measured on the held-out labelled batch, as in a local run.
    expect(j.pretrain.epochs[0].health.probe).toEqual(expect.any(Number))
  })

  it('refuses a pool whose Redis does not answer, the password masked, and a URL that is not Redis', async () => {
    const port = await freePort()
    const r = await cli('pretrain', '--dataset', join(w.dir, 'pets'), '--method', 'simclr', '--pool', `redis://:hunter2@127.0.0.1:${port}`, ...TINY)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(`error: cannot reach the worker pool's Redis at redis://:***@127.0.0.1:${port}`)
    expect(r.stderr).not.toContain('hunter2')
    const bad = await cli('pretrain', '--dataset', join(w.dir, 'pets'), '--method', 'simclr', '--pool', 'http://127.0.0.1:6379', ...TINY)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/--pool must be a URL starting with redis:\/\/ or rediss:\/\//)
  })
})
