// A pool worker (started by `npm run worker`): takes training jobs from the BullMQ queue on the pool's
// Redis, trains them with this machine's best backend, and announces itself under a key with a TTL.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import { Worker, type WorkerOptions as BullWorkerOptions } from 'bullmq'
import type { Redis } from 'ioredis'
import type { BackendName, BackendReport } from '../../shared/training-protocol'
import { threadsPerRun } from '../services/run-concurrency'
import { probeBackend, type WorkerOptions } from '../training/host/worker-client'
import { ANNOUNCE_TTL_SECONDS, type Announcement, keys, POOL_PREFIX, QUEUE_NAME } from './protocol'
import { connectRedis, isConnectionError } from './redis'
import { jobsDirOf, sweepDeadWorkers } from './job-folders'
import { LocalDatasets } from './local-datasets'
import { processPoolJob } from './worker-job'

export interface PoolWorkerOptions {
  redisUrl: string
  /** Local folders of the jobs training here. */
  dataDir: string
  /** Jobs trained at once (default 1). */
  concurrency?: number
  /** wasm threads per job (default: this machine's cores shared by `concurrency` jobs). */
  wasmThreads?: number
  /**
   * How long a job stays this worker's without a lock renewal (default 30 s): a worker killed mid-run
   * hands its job on after about this long.
   */
  lockMs?: number
  /** How often this worker looks for jobs whose worker died (default: lockMs / 2). */
  stalledCheckMs?: number
  /** How long a job this worker cannot train waits before it is offered again (default 2 s). */
  giveBackMs?: number
  /** Dataset folders this machine holds a copy of: a job on one of them is built from it, not fetched from Redis. */
  datasetRoots?: string[]
  training?: WorkerOptions
  log?: (line: string) => void
}

export interface PoolWorker {
  id: string
  backend: BackendReport
  /** Stops taking jobs and waits for the ones training here (force: leaves them to other workers). */
  close(force?: boolean): Promise<void>
}

export const BULL_PREFIX = `${POOL_PREFIX}:bull`
const HEARTBEAT_MS = 5000

export async function startPoolWorker(opts: PoolWorkerOptions): Promise<PoolWorker> {
  const concurrency = opts.concurrency ?? 1
  const wasmThreads = opts.wasmThreads ?? threadsPerRun(os.availableParallelism(), concurrency)
  const log = opts.log ?? ((line: string) => console.log(line))
  const id = `${os.hostname()}-${process.pid}-${randomUUID().slice(0, 6)}`
  // An outage is said here, once, and when Redis is back; BullMQ's retries below stay quiet.
  const redis = connectRedis(opts.redisUrl, (line) => log(`worker ${id}: ${line}`))
  await fs.mkdir(opts.dataDir, { recursive: true })
  const datasets = await LocalDatasets.open(opts.datasetRoots ?? [], opts.dataDir, (line) => log(`worker ${id}: ${line}`))
  const backend = await probeBackend({ wasmThreads }, opts.training)
  const running = new Set<number>()
  const announce = announcer(redis, { id, backend, concurrency, running, datasets: datasets.announced() })
  await announce()
  const heartbeat = setInterval(() => void announce(), HEARTBEAT_MS)
  void sweepDeadWorkers(redis, opts.dataDir, id).then(
    (dead) => dead.length > 0 && log(`worker ${id}: removed the job folders of ${dead.length} worker(s) that died here: ${dead.join(', ')}`),
    () => undefined,
  )
  const probes = new Map<BackendName, Promise<BackendReport>>()
  const fit = {
    best: backend,
    freeBytes: () => os.freemem(),
    probe: (name: BackendName): Promise<BackendReport> => {
      const known = probes.get(name) ?? probeBackend({ backend: name, wasmThreads }, opts.training)
      probes.set(name, known)
      return known
    },
  }
  const ctx = {
    redis, workerId: id, host: os.hostname(), dataDir: opts.dataDir, wasmThreads, training: opts.training, cancelPollMs: 500, datasets,
    giveBackMs: opts.giveBackMs ?? 2000, fit, log, onLockLost: new Map<string, () => void>(),
    running: (runId: number, on: boolean) => {
      if (on) running.add(runId)
      else running.delete(runId)
      void announce()
    },
  }
  const bullConn = connectRedis(opts.redisUrl)
  const worker = new Worker(QUEUE_NAME, (job, token) => processPoolJob(ctx, job, token ?? randomUUID()), {
    connection: bullConn, prefix: BULL_PREFIX, concurrency, ...locking(opts.lockMs, opts.stalledCheckMs),
  })
  worker.on('lockRenewalFailed', (jobIds) => jobIds.forEach((jobId) => ctx.onLockLost.get(jobId)?.()))
  worker.on('error', (err) => {
    if (!isConnectionError(err)) log(`worker ${id}: ${err.message}`)
  })
  worker.on('failed', (job, err) => log(`worker ${id}: job ${job?.id ?? '?'} failed: ${err.message}`))
  await worker.waitUntilReady()
  log(`worker ${id}: ${backend.name} (${backend.threads} threads), ${concurrency} job(s) at once, data in ${opts.dataDir}`)
  return {
    id,
    backend,
    close: async (force = false) => {
      clearInterval(heartbeat)
      await worker.close(force)
      datasets.close()
      // A forced close leaves its runs to other workers; their files here are of no use to anyone.
      await fs.rm(jobsDirOf(opts.dataDir, id), { recursive: true, force: true }).catch(() => undefined)
      await redis.del(keys.worker(id)).catch(() => undefined)
      bullConn.disconnect()
      redis.disconnect()
    },
  }
}

/** BullMQ's stalled-job handling: how long a job stays this worker's without a renewal, and the checks for others'. */
function locking(lockMs = 30_000, stalledCheckMs?: number): Pick<BullWorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  return {
    lockDuration: lockMs,
    stalledInterval: stalledCheckMs ?? Math.max(1000, Math.floor(lockMs / 2)),
    // A job whose worker died this often is failed rather than handed on again.
    maxStalledCount: 3,
  }
}

/** Writes the worker's announcement (expiring unless the heartbeat writes it again). */
function announcer(
  redis: Redis,
  w: { id: string; backend: BackendReport; concurrency: number; running: Set<number>; datasets: Announcement['datasets'] },
): () => Promise<unknown> {
  const startedAt = new Date().toISOString()
  return () => {
    const a: Announcement = {
      id: w.id, host: os.hostname(), pid: process.pid, backend: w.backend.name, backendThreads: w.backend.threads, ...adapterOf(w.backend),
      freeMemoryBytes: os.freemem(), totalMemoryBytes: os.totalmem(), concurrency: w.concurrency, running: [...w.running], datasets: w.datasets,
      startedAt, seenAt: new Date().toISOString(),
    }
    return redis.set(keys.worker(w.id), JSON.stringify(a), 'EX', ANNOUNCE_TTL_SECONDS).catch(() => undefined)
  }
}

/** A webgpu worker's adapter in a few words (as the app's backend reports name it). */
function adapterOf(report: BackendReport): { adapter?: string } {
  const a = report.adapter
  if (!a) return {}
  const head = [a.vendor, a.architecture].filter(Boolean).join(' ')
  return { adapter: [head, a.device || a.description].filter(Boolean).join(' — ') || 'unnamed adapter' }
}
