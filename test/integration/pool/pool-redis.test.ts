// The pool's Redis as it is run for real: restarted mid-queue with AOF on (nothing lost, every epoch
// recorded once), behind a password (refused when wrong, never printed), over TLS (rediss:// with a
// throwaway CA trusted through NODE_EXTRA_CA_CERTS), and a worker saying once that Redis is down and when it is back.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Queue } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest'
import { PoolCoordinator } from '../../../src/main/pool/coordinator'
import { QUEUE_NAME } from '../../../src/main/pool/protocol'
import { connectRedis } from '../../../src/main/pool/redis'
import { BULL_PREFIX } from '../../../src/main/pool/worker'
import { checkRedis } from '../../../src/main/services/pool-setting'
import { rejects } from '../rejects'
import { useRunsWorld } from '../runs-world'
import { until } from './pool-checks'
import { freePort, makeCertificates, type PendingWorker, type RedisServer, spawnWorker, startRedis, startWorker, type WorkerProcess } from './harness'

const w = useRunsWorld('wb-pool-redis-')

let scratch = ''
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'wb-pool-redis-scratch-'))
})
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const TINY = ['--size', '32', '--simclr-size', '16', '--channels', '4,8', '--batch', '4', '--threads', '1', '--lr', '0.01', '--epochs', '1']

/** The CLI as a process of its own: NODE_EXTRA_CA_CERTS is read only when a process starts. */
function cliProcess(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { NODE_EXTRA_CA_CERTS: _, ...inherited } = process.env
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/cli.ts'), ...args], { cwd: ROOT, env: { ...inherited, ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}

/** A worker that cannot connect says why in one line, however often it retries (ioredis: several times a second at first); then it is stopped. */
async function expectSaidOnce(worker: PendingWorker, reason: RegExp): Promise<void> {
  try {
    await until(`the worker saying ${reason}`, () => reason.test(worker.output()))
    await new Promise((r) => setTimeout(r, 1500))
  } finally {
    await worker.stop()
  }
  expect(worker.output().split('\n').filter((l) => reason.test(l))).toEqual([expect.stringMatching(/: cannot connect \(.*; retrying until it can$/)])
}

describe('a Redis restarted mid-queue with AOF on', () => {
  let redis: RedisServer
  let workers: WorkerProcess[] = []
  const coordinators: PoolCoordinator[] = []
  const coordinator = (log: (line: string) => void): PoolCoordinator => {
    const c = new PoolCoordinator({ redisUrl: redis.url, pollMs: 200, log })
    coordinators.push(c)
    return c
  }
  beforeAll(async () => {
    redis = await startRedis({ appendOnly: true })
    workers = await Promise.all([0, 1].map((k) => startWorker(redis.url, join(scratch, `aof-w${k}`), ['--lock-seconds', '2'])))
  })
  afterAll(async () => {
    await Promise.all(coordinators.map((c) => c.close()))
    await Promise.all(workers.map((x) => x.stop()))
    await redis?.stop()
  })

  it('loses no run: the training ones and the waiting ones all end done, every epoch recorded once', async () => {
    const log: string[] = []
    // What the app would print on its own during the outage (BullMQ prints unheard errors there).
    const printed = vi.spyOn(console, 'error')
    onTestFinished(() => printed.mockRestore())
    const c = coordinator((l) => log.push(l))
    const runs = w.service({ execute: c.execute, maxConcurrent: 4, cores: 4, concurrentMemoryBytes: Number.MAX_SAFE_INTEGER })
    const epochs = 8
    const ids = await Promise.all([1, 2, 3, 4].map(async (seed) => (await runs.enqueue(w.tiny({ seed, epochs }))).id))
    runs.start()
    // Two runs train (one per worker) and the others wait in BullMQ's queue when Redis goes away.
    const conn = connectRedis(redis.url)
    const queue = new Queue(QUEUE_NAME, { connection: conn, prefix: BULL_PREFIX })
    await until('two runs training and others waiting in the queue', async () =>
      ids.some((id) => runs.get(id).epochs.length > 0) && (await queue.getActiveCount()) === 2 && (await queue.getWaitingCount()) > 0)
    await queue.close()
    conn.disconnect()
    await redis.restart()

    await runs.whenIdle()
    for (const id of ids) {
      const run = runs.get(id)
      expect(run.status, run.error ?? '').toBe('done')
      expect(run.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: epochs }, (_, k) => k + 1))
    }
    // Each run was taken by a worker once: none was handed on (its lock lapsed) and trained again.
    const taken = workers.flatMap((x) => x.output().match(/training run #\d+/g) ?? [])
    expect(taken.sort()).toEqual(ids.map((id) => `training run #${id}`).sort())
    expect(log.filter((l) => / training on worker /.test(l))).toHaveLength(ids.length)
    // The app and each worker said the outage in two lines, and nothing else about it.
    expect(printed).not.toHaveBeenCalled()
    const at = `Redis at ${redis.url}`
    expect(log.filter((l) => l.includes('Redis at'))).toEqual([expect.stringContaining(`pool: ${at}: connection lost`), expect.stringContaining(`pool: ${at} is back`)])
    for (const x of workers) {
      const said = x.output().split('\n').filter((l) => /Redis at|ECONN|Connection is closed/.test(l))
      expect(said).toEqual([expect.stringContaining(`${at}: connection lost`), expect.stringContaining(`${at} is back`)])
    }
  })

  it('hands on the runs whose lock lapsed; each run ends done, trained to its end once', async () => {
    const runs = w.service({ execute: coordinator(() => undefined).execute, maxConcurrent: 2, cores: 2, concurrentMemoryBytes: Number.MAX_SAFE_INTEGER })
    const epochs = 400
    const ids = await Promise.all([5, 6].map(async (seed) => (await runs.enqueue(w.tiny({ seed, epochs }))).id))
    runs.start()
    await until('both runs past their first epoch', () => ids.every((id) => runs.get(id).epochs.length > 0))
    // Down for longer than the 2 s lock: both locks lapse, and the stalled check hands both jobs on.
    await redis.restart(3000)
    await runs.whenIdle()
    // Longer than a stalled check: an attempt handed out again after the end would have started by now.
    await new Promise((r) => setTimeout(r, 3000))
    const lines = workers.flatMap((x) => x.output().split('\n'))
    for (const id of ids) {
      const run = runs.get(id)
      expect(run.status, run.error ?? '').toBe('done')
      expect(run.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: epochs }, (_, k) => k + 1))
      expect(lines.filter((l) => l.includes(`run #${id} trained to its end`))).toHaveLength(1)
    }
    // The attempts that lost their lock mid-training stopped (and were resumed) rather than train on.
    const lost = lines.filter((l) => l.includes('lost the lock of run'))
    expect(lost.length).toBeGreaterThan(0)
    for (const l of lost) {
      const id = /lost the lock of run #(\d+)/.exec(l)![1]
      expect(lines.filter((x) => x.includes(`training run #${id} `))).toHaveLength(2)
    }
  })
})

describe('a pool Redis with a password', () => {
  const password = 'hunter2#x'
  let redis: RedisServer
  let worker: WorkerProcess
  let coordinator: PoolCoordinator
  beforeAll(async () => {
    redis = await startRedis({ password })
    worker = await startWorker(redis.url, join(scratch, 'pw-w'), ['--lock-seconds', '2'])
  })
  afterAll(async () => {
    await coordinator?.close()
    await worker?.stop()
    await redis?.stop()
  })

  it('trains a run through redis://:PASSWORD@, refuses a wrong one naming the host, and never prints it', async () => {
    expect(redis.url).toBe(`redis://:${encodeURIComponent(password)}@127.0.0.1:${redis.port}`)
    await checkRedis(redis.url)
    const wrong = `redis://:not-${encodeURIComponent(password)}@127.0.0.1:${redis.port}`
    const err = await rejects(checkRedis(wrong))
    expect(err.message).toMatch(new RegExp(`^cannot reach the worker pool's Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${redis.port}: WRONGPASS`))
    expect(err.message).not.toContain('hunter2')
    const none = await rejects(checkRedis(`redis://127.0.0.1:${redis.port}`))
    expect(none.message).toContain('NOAUTH')
    const refused = spawnWorker(wrong, join(scratch, 'pw-wrong'))
    await expectSaidOnce(refused, /WRONGPASS/)
    expect(refused.output()).toContain(`Redis at redis://:***@127.0.0.1:${redis.port}: cannot connect (WRONGPASS`)
    expect(refused.output()).not.toContain('hunter2')

    const log: string[] = []
    coordinator = new PoolCoordinator({ redisUrl: redis.url, pollMs: 200, log: (l) => log.push(l) })
    const runs = w.service({ execute: coordinator.execute, maxConcurrent: 1, concurrentMemoryBytes: Number.MAX_SAFE_INTEGER })
    const { id } = await runs.enqueue(w.tiny({ seed: 7, epochs: 2 }))
    runs.start()
    const run = await runs.waitFor(id)
    expect(run.status, run.error ?? '').toBe('done')
    expect(runs.get(id).epochs.map((e) => e.epoch)).toEqual([1, 2])
    expect(runs.get(id).worker).toBe(worker.id)
    expect(worker.output()).toContain(`joining redis://:***@127.0.0.1:${redis.port}`)
    expect(worker.output()).not.toContain('hunter2')
    expect(log.join('\n')).not.toContain('hunter2')
  })
})

describe('a pool Redis over TLS', () => {
  let redis: RedisServer
  let ca = ''
  let worker: WorkerProcess
  beforeAll(async () => {
    const dir = join(scratch, 'tls')
    const tls = makeCertificates(dir)
    ca = tls.ca
    redis = await startRedis({ tls })
    // The worker trusts the throwaway CA the way a user's would: NODE_EXTRA_CA_CERTS.
    worker = await startWorker(redis.url, join(scratch, 'tls-w'), ['--lock-seconds', '2'], { NODE_EXTRA_CA_CERTS: ca })
  })
  afterAll(async () => {
    await worker?.stop()
    await redis?.stop()
  })

  it('trains a CLI run over rediss:// when both sides trust the CA, and refuses the Redis when the app does not', async () => {
    expect(redis.url).toBe(`rediss://127.0.0.1:${redis.port}`)
    // A worker that does not trust the CA says why it cannot join, once however often it retries.
    await expectSaidOnce(spawnWorker(redis.url, join(scratch, 'tls-stranger')), /self[- ]signed certificate/)

    const args = ['pretrain', '--dataset', join(w.dir, 'pets'), '--method', 'simclr', '--json', '--pool', redis.url, '--data-dir', join(scratch, 'tls-cli'), ...TINY]
    const untrusted = await cliProcess(args, {})
    expect(untrusted.code, untrusted.stderr).toBe(2)
    expect(untrusted.stderr).toContain(`error: cannot reach the worker pool's Redis at rediss://127.0.0.1:${redis.port}`)
    expect(untrusted.stderr).toMatch(/self[- ]signed certificate/)

    const r = await cliProcess(args, { NODE_EXTRA_CA_CERTS: ca })
    expect(r.code, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout.trim())
    expect(j).toMatchObject({ status: 'done', worker: worker.id, config: { kind: 'pretrain', method: 'simclr' } })
    expect(j.epochs).toHaveLength(1)
  })
})

describe('a Redis that is down', () => {
  it('is said once by a worker that starts before it, and by a worker and the app once when it goes away and once when it is back', async () => {
    const port = await freePort()
    const url = `redis://:hunter2@127.0.0.1:${port}`
    const pending = spawnWorker(url, join(scratch, 'late-w'), ['--lock-seconds', '2'])
    const lines = (re: RegExp): string[] => pending.output().split('\n').filter((l) => re.test(l))
    const log: string[] = []
    let coordinator: PoolCoordinator | null = null
    let redis: RedisServer | null = null
    const printed = vi.spyOn(console, 'error')
    onTestFinished(() => printed.mockRestore())
    try {
      await until('the worker saying it cannot connect', () => lines(/cannot connect/).length > 0)
      // Retries go on meanwhile (ioredis retries within a second), unsaid.
      await new Promise((r) => setTimeout(r, 2000))
      redis = await startRedis({ port, password: 'hunter2' })
      await pending.ready
      await until('the worker saying Redis is back', () => lines(/is back \(after/).length === 1)
      coordinator = new PoolCoordinator({ redisUrl: url, log: (l) => log.push(l) })
      expect(await coordinator.workers()).toHaveLength(1)
      await redis.restart(2500)
      await until('the worker saying Redis is back again', () => lines(/is back \(after/).length === 2)
      await until('the app saying Redis is back', () => log.some((l) => l.includes('is back (after')))
      const at = `Redis at redis://:***@127.0.0.1:${port}`
      const back = new RegExp(`${escape(at)} is back \\(after \\d+\\.\\d s\\)$`)
      const lost = new RegExp(`${escape(at)}: connection lost.*; retrying until it is back$`)
      expect(lines(/Redis at|ECONNREFUSED|ECONNRESET|Connection is closed/)).toEqual([
        expect.stringContaining(`${at}: cannot connect (connect ECONNREFUSED 127.0.0.1:${port}); retrying until it can`),
        expect.stringMatching(back),
        expect.stringMatching(lost),
        expect.stringMatching(back),
      ])
      expect(pending.output()).not.toContain('hunter2')
      // The app: the same two lines, and no error printed per retry behind them.
      expect(log).toEqual([expect.stringMatching(lost), expect.stringMatching(back)])
      expect(printed).not.toHaveBeenCalled()
    } finally {
      await coordinator?.close()
      await pending.stop()
      await redis?.stop()
    }
  })
})

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
