// The app's side of the worker pool: queues a run as a BullMQ job (its pixels, and any checkpoint or
// parent encoder, stored beside it in Redis) and returns the same Execution as a local run, its job's
// events mirrored into the same callbacks and RunsRepo rows; lists the workers that announced themselves.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import type { RunRecord } from '../db/repositories/runs-repo'
import { checkpointDirOf, type ExecDeps, type ExecStart, type Execution, prepareJob, progressForwarder } from '../services/run-executor'
import type { DoneMessage } from '../training/host/worker-client'
import { packFolder } from './folder-bundle'
import { followJob } from './follow-job'
import { DEFAULT_MAX_DATA_BYTES, putPixels } from './pixels'
import { type Announcement, announcementSchema, JOB_TTL_SECONDS, keys, type PoolJob, poolJobSchema, poolTrainingSchema, QUEUE_NAME } from './protocol'
import { connectRedis } from './redis'
import { BULL_PREFIX } from './worker'

export interface PoolCoordinatorOptions {
  redisUrl: string
  /** Pixels of one run shipped through Redis at most (default 256 MiB). */
  maxDataBytes?: number
  /** How long one read of a job's events waits before the job's state is checked (default 1000 ms). */
  pollMs?: number
  /** Where lines about the pool go (which worker took a run, a resume); default console.log. */
  log?: (line: string) => void
}

const cancelledDone = (): DoneMessage => ({ type: 'done', cancelled: true, epochsDone: 0, steps: 0, lastLoss: Number.NaN, metrics: null })

export class PoolCoordinator {
  private readonly redis: Redis
  private readonly queueConn: Redis
  private readonly queue: Queue
  private readonly log: (line: string) => void
  private closing = false

  constructor(private readonly opts: PoolCoordinatorOptions) {
    this.redis = connectRedis(opts.redisUrl)
    this.queueConn = connectRedis(opts.redisUrl)
    this.queue = new Queue(QUEUE_NAME, { connection: this.queueConn, prefix: BULL_PREFIX })
    this.log = opts.log ?? ((line) => console.log(line))
  }

  /** Trains the run on the pool; fits RunsService's `execute` option. */
  readonly execute = (deps: ExecDeps, rec: RunRecord, start: ExecStart): Execution => {
    let cancelled = false
    let detached = false
    let jobId: string | null = null
    let early: (d: DoneMessage) => void = () => undefined
    const inner = (async (): Promise<DoneMessage> => {
      const payload = await this.payloadOf(deps, rec, start)
      if (cancelled) return cancelledDone()
      jobId = randomUUID()
      await this.upload(deps, rec, start, jobId)
      await this.queue.add('train', payload, { jobId, attempts: 1, removeOnComplete: { age: 3600 }, removeOnFail: { age: 24 * 3600 } })
      if (cancelled) await this.requestCancel(jobId)
      const checkpointDir = checkpointDirOf(deps.runsDir, rec.summary.id)
      // The pool's backend says nothing about this machine's, so the local probe cache is left alone.
      const forward = progressForwarder({ ...deps, onBackend: () => undefined }, rec, { checkpointDir }, () => detached)
      try {
        return await followJob({
          redis: this.redis, queue: this.queue, jobId, runId: rec.summary.id, checkpointDir, forward, log: this.log,
          pollMs: this.opts.pollMs ?? 1000, cancelled: () => cancelled, stop: () => this.closing || (detached && cancelled),
        })
      } finally {
        if (!detached) await this.cleanup(jobId)
      }
    })()
    inner.catch(() => undefined)
    return {
      cancel: () => {
        cancelled = true
        if (jobId) void this.requestCancel(jobId)
        // The service is closing: it marked the run interrupted and must not wait on a remote worker.
        if (detached) early(cancelledDone())
      },
      detach: () => {
        detached = true
      },
      done: Promise.race([inner, new Promise<DoneMessage>((resolve) => (early = resolve))]),
    }
  }

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
    const { job, data: pixels } = await prepareJob(deps, rec, start)
    const data = await putPixels(this.redis, pixels, this.opts.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES)
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

  private async cleanup(jobId: string): Promise<void> {
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
