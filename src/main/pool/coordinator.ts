// The app's side of the worker pool: queues a run as a BullMQ job (its pixels, and any checkpoint or
// parent encoder, stored beside it in Redis) and returns the same Execution as a local run, its job's
// events mirrored into the same callbacks and RunsRepo rows; lists the workers that announced themselves.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { RunRecord } from '../db/repositories/runs-repo'
import { checkpointDirOf, type ExecDeps, type ExecStart, type Execution, prepareJob, progressForwarder } from '../services/run-executor'
import type { BackendName, BackendReport } from '../../shared/training-protocol'
import type { RunConfig } from '../../shared/types/runs'
import type { DoneMessage } from '../training/host/worker-client'
import { packFolder } from './folder-bundle'
import { followJob } from './follow-job'
import { datasetFingerprint } from './dataset-fingerprint'
import { type FetchSource, fetchOf } from './fetch-source'
import { DEFAULT_MAX_DATA_BYTES, describePixels, pixelRefOf, putPixels } from './pixels'
import { type Announcement, announcementSchema, DATA_TTL_SECONDS, JOB_TTL_SECONDS, keys, type PoolJob, poolJobSchema, poolTrainingSchema, QUEUE_NAME } from './protocol'
import { connectRedis, isConnectionError, safeUrl } from './redis'
import { BULL_PREFIX } from './worker'

export interface PoolCoordinatorOptions {
  redisUrl: string
  /** Pixels of one run shipped through Redis at most (default 256 MiB); a larger run goes only to workers holding its dataset. */
  maxDataBytes?: number
  /** How long one read of a job's events waits before the job's state is checked (default 1000 ms). */
  pollMs?: number
  /** Where lines about the pool go (which worker took a run, a resume); default console.log. */
  log?: (line: string) => void
  /**
   * Web mode's pool route, read at each run's queueing (null: none, as in Electron and the CLI): with
   * one, a run's pixels stay out of Redis and workers fetch the images they lack from it.
   */
  fetch?: () => FetchSource | null
}

const cancelledDone = (): DoneMessage => ({ type: 'done', cancelled: true, epochsDone: 0, steps: 0, lastLoss: Number.NaN, metrics: null })

export class PoolCoordinator {
  private readonly redis: Redis
  private readonly queueConn: Redis
  private readonly queue: Queue
  private readonly log: (line: string) => void
  private closing = false

  constructor(private readonly opts: PoolCoordinatorOptions) {
    this.log = opts.log ?? ((line) => console.log(line))
    // A Redis outage is said once when it starts and once when Redis is back, never per retry.
    this.redis = connectRedis(opts.redisUrl, (line) => this.log(`pool: ${line}`))
    this.queueConn = connectRedis(opts.redisUrl)
    this.queue = new Queue(QUEUE_NAME, { connection: this.queueConn, prefix: BULL_PREFIX })
    // Without a listener BullMQ console.errors each of its connection's errors, a stack per retry.
    this.queue.on('error', (err) => {
      if (!isConnectionError(err)) this.log(`pool: ${err.message}`)
    })
  }

  /**
   * Trains the run on the pool; fits RunsService's `execute` option. A resumed run whose job is still
   * in the pool (the app was closed while a worker trained it) is followed again, its events replayed.
   */
  readonly execute = (deps: ExecDeps, rec: RunRecord, start: ExecStart): Execution => {
    let cancelled = false
    let detached = false
    let jobId: string | null = null
    let early: (d: DoneMessage) => void = () => undefined
    const runId = rec.summary.id
    const inner = (async (): Promise<DoneMessage> => {
      jobId = start.resume ? await this.liveJobOf(rec) : null
      if (jobId) this.log(`pool: run #${runId}: following its job ${jobId} again, replaying what its worker did meanwhile`)
      else {
        const payload = await this.payloadOf(deps, rec, start)
        if (cancelled) return cancelledDone()
        jobId = randomUUID()
        // Recorded before the job exists, so a close at any point leaves a job the next start can find.
        deps.repo.setPoolJob(runId, jobId)
        await this.upload(deps, rec, start, jobId)
        await this.queue.add('train', payload, { jobId, attempts: 1, removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } })
      }
      if (cancelled) await this.requestCancel(jobId)
      const checkpointDir = checkpointDirOf(deps.runsDir, runId)
      // The pool's backend says nothing about this machine's, so the local probe cache is left alone.
      const forward = progressForwarder({ ...deps, onBackend: () => undefined }, rec, { checkpointDir }, () => detached)
      try {
        return await followJob({
          redis: this.redis, queue: this.queue, jobId, runId, checkpointDir, forward, log: this.log,
          pollMs: this.opts.pollMs ?? 1000, cancelled: () => cancelled, stop: () => this.closing || detached, workers: () => this.workers(),
        })
      } finally {
        // Closing the app leaves the job to its worker and its keys for the next start.
        if (!detached) {
          await this.cleanup(jobId)
          deps.repo.setPoolJob(runId, null)
        }
      }
    })()
    inner.catch(() => undefined)
    return {
      cancel: () => {
        // The service is closing: it marked the run interrupted; the job trains on without the app.
        if (detached) return early(cancelledDone())
        cancelled = true
        if (jobId) void this.requestCancel(jobId)
      },
      detach: () => {
        detached = true
      },
      done: Promise.race([inner, new Promise<DoneMessage>((resolve) => (early = resolve))]),
    }
  }

  /** The run's job when the pool still has it (waiting, training, or ended with events to replay). */
  private async liveJobOf(rec: RunRecord): Promise<string | null> {
    const jobId = rec.poolJob
    if (!jobId) return null
    const [state, events] = await Promise.all([this.queue.getJobState(jobId), this.redis.exists(keys.events(jobId))])
    if (state !== 'unknown' || events === 1) return jobId
    this.log(`pool: run #${rec.summary.id}: its job ${jobId} is gone from the pool; queueing it again from its last checkpoint here`)
    return null
  }

  /**
   * What a plan says of the backend of a run going to the pool: a worker's own, checked there (one
   * that cannot load it or fit a step gives the run back). No threads: this machine's memory plan does not apply.
   */
  static planBackend(redisUrl: string, force?: BackendName): BackendReport {
    return {
      name: force ?? 'pool',
      threads: 0,
      attempts: [{ backend: force ?? 'pool', ok: true, reason: `trains on a worker of the pool at ${safeUrl(redisUrl)}, on that worker's ${force ?? 'best'} backend` }],
    }
  }

  readonly planBackend = (config: RunConfig): BackendReport => PoolCoordinator.planBackend(this.opts.redisUrl, config.backend)

  /** The workers whose announcements have not expired. */
  async workers(): Promise<Announcement[]> {
    const ids: string[] = []
    let cursor = '0'
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', keys.workersMatch, 'COUNT', 100)
      cursor = next
      ids.push(...batch)
    } while (cursor !== '0')
    if (ids.length === 0) return []
    const values = await this.redis.mget(...ids)
    return values.flatMap((v) => {
      const a = v === null ? null : announcementSchema.safeParse(safeJson(v))
      return a?.success ? [a.data] : []
    })
  }

  async close(): Promise<void> {
    this.closing = true
    await this.queue.close()
    // BullMQ leaves a connection it was given open; one left retrying would keep the process alive.
    this.queueConn.disconnect()
    this.redis.disconnect()
  }

  /** The job for the run (the same prepareJob as a local run, its local paths dropped), checked as workers check it. */
  private async payloadOf(deps: ExecDeps, rec: RunRecord, start: ExecStart): Promise<PoolJob> {
    const cfg = rec.summary.config
    const { job, data: pixels, names } = await prepareJob(deps, rec, start)
    const fingerprint = await datasetFingerprint(deps.datasets, cfg.datasetId)
    const source = this.opts.fetch?.() ?? null
    // Served by web mode: workers fetch the images (and cache them), Redis carries none.
    // Above the cap the pixels stay here: a worker holding a copy of the dataset builds them by name.
    const ref = source ? { ...pixelRefOf(pixels), stored: false } : await putPixels(this.redis, pixels, this.opts.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES)
    if (!ref.stored && !source) this.log(`pool: run #${rec.summary.id}: its ${describePixels(ref)} are above the pool's Redis cap: only a worker holding dataset ${fingerprint.slice(0, 12)}… (--dataset-root) can train it`)
    const fetch = source ? fetchOf(source, deps.datasets, cfg.datasetId, names) : null
    const data = { ...ref, dataset: { fingerprint, names: names.images, healthNames: names.health }, fetch }
    const parent = cfg.kind === 'finetune' && cfg.parentRunId !== null && cfg.parentRunId !== undefined
    return poolJobSchema.parse({ v: 1, runId: rec.summary.id, job: poolTrainingSchema.parse(job), data, parent })
  }

  /** The run's own checkpoint (when it resumes) and its parent's, where the worker looks for them. */
  private async upload(deps: ExecDeps, rec: RunRecord, start: ExecStart, jobId: string): Promise<void> {
    const cfg = rec.summary.config
    const own = checkpointDirOf(deps.runsDir, rec.summary.id)
    if (start.resume && (await exists(own))) await this.redis.set(keys.checkpoint(jobId), await packFolder(own), 'EX', JOB_TTL_SECONDS)
    if (cfg.kind !== 'finetune' || !cfg.parentRunId) return
    const dir = deps.repo.get(cfg.parentRunId)?.checkpointDir
    if (!dir || !(await exists(dir))) throw new Error(`the checkpoint of pretraining run #${cfg.parentRunId} is not on this machine`)
    await this.redis.set(keys.parent(jobId), await packFolder(dir), 'EX', JOB_TTL_SECONDS)
  }

  /** A waiting job is taken off the queue; one training sees the flag within a second and stops. */
  private async requestCancel(jobId: string): Promise<void> {
    await this.redis.set(keys.cancel(jobId), '1', 'EX', JOB_TTL_SECONDS).catch(() => undefined)
    await this.queue.remove(jobId).catch(() => undefined)
  }

  /** Drops a job the app no longer follows: a waiting one leaves the queue, a training one stops at its next step. */
  readonly forget = (jobId: string): Promise<void> => this.cleanup(jobId)

  private async cleanup(jobId: string): Promise<void> {
    await this.redis.set(keys.ended(jobId), '1', 'EX', DATA_TTL_SECONDS).catch(() => undefined)
    await this.redis.del(keys.events(jobId), keys.checkpoint(jobId), keys.parent(jobId), keys.cancel(jobId)).catch(() => undefined)
    await this.queue.remove(jobId).catch(() => undefined)
  }
}

const exists = (p: string): Promise<boolean> => fs.access(p).then(() => true, () => false)

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s)
  } catch {
    return null
  }
}
