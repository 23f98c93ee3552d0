// One pool job on a worker: validates the payload, fetches the pixels and any checkpoint or parent
// encoder from Redis into a local folder, trains with the same training worker as a local run, and
// streams its messages (and each epoch's checkpoint folder) back through the job's event stream.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { DelayedError, type Job, UnrecoverableError } from 'bullmq'
import type { Redis } from 'ioredis'
import { toWireError } from '../../shared/errors'
import type { FromWorker, TrainingJobInput } from '../../shared/training-protocol'
import { type DoneMessage, startTrainingWorker, type WorkerOptions } from '../training/host/worker-client'
import { type FitCheck, whyCannotTrain } from './fit-check'
import { unpackFolder } from './folder-bundle'
import { GiveBack } from './give-back'
import { jobsDirOf } from './job-folders'
import { jobPixels } from './job-pixels'
import type { LocalDatasets } from './local-datasets'
import { PixelCache } from './pixel-cache'
import { EventSink, stepSampler } from './job-events'
import { JOB_TTL_SECONDS, keys, type PoolJob, poolJobSchema } from './protocol'

export interface JobContext {
  redis: Redis
  workerId: string
  host: string
  /** Local folders of the jobs training here (removed when each ends). */
  dataDir: string
  wasmThreads: number
  training?: WorkerOptions
  /** How often the job's cancel flag is read. */
  cancelPollMs: number
  /** Copies of datasets this worker holds (--dataset-root): a job naming one gets its pixels built here. */
  datasets?: LocalDatasets
  /** How long a job this worker gave back waits before a worker (this one too) takes it again. */
  giveBackMs: number
  fit: FitCheck
  /** What to do when BullMQ says this worker lost a job's lock, by job id (set while it trains). */
  onLockLost: Map<string, () => void>
  running(runId: number, on: boolean): void
  log(line: string): void
}

export function parsePoolJob(data: unknown): PoolJob {
  const r = poolJobSchema.safeParse(data)
  if (r.success) return r.data
  const why = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(job)'}: ${i.message}`).join('; ')
  // Never retried: the same payload fails the same way on any worker.
  throw new UnrecoverableError(`the job does not match the pool's job schema: ${why}`)
}

export async function processPoolJob(ctx: JobContext, job: Job, token: string): Promise<DoneMessage> {
  const p = parsePoolJob(job.data)
  const jobId = String(job.id)
  const events = new EventSink(ctx.redis, jobId, token)
  const cancelled: DoneMessage = { type: 'done', cancelled: true, epochsDone: 0, steps: 0, lastLoss: Number.NaN, metrics: null }
  if ((await ctx.redis.exists(keys.ended(jobId))) === 1) return cancelled
  if ((await ctx.redis.exists(keys.cancel(jobId))) === 1) {
    events.send(cancelled)
    await events.flush()
    return cancelled
  }
  // Per attempt: a worker that lost this job may still be using its own folder on the same disk.
  const dir = path.join(jobsDirOf(ctx.dataDir, ctx.workerId), `${jobId}.${randomUUID().slice(0, 8)}`)
  try {
    const why = await whyCannotTrain(ctx.fit, p.job)
    if (why) throw new GiveBack(why)
    ctx.log(`worker ${ctx.workerId}: training run #${p.runId} (job ${jobId})`)
    ctx.running(p.runId, true)
    return await train(ctx, p, jobId, dir, events)
  } catch (err) {
    if (err instanceof GiveBack) return await giveBack(ctx, job, token, p.runId, err.reason, events)
    // The job is another attempt's now: an error from this one must not end the run.
    if (err instanceof LockLost) throw err
    const w = toWireError(err)
    await events.flush().catch(() => undefined)
    events.send({ type: 'error', code: w.code, message: w.message })
    await events.flush().catch(() => undefined)
    throw new UnrecoverableError(w.message)
  } finally {
    ctx.running(p.runId, false)
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined)
  }
}

/**
 * Puts the job back in the queue for a while, its reason kept under keys.declined (and said in the
 * stream the first time), so the app can fail the run once every live worker has declined it.
 */
async function giveBack(ctx: JobContext, job: Job, token: string, runId: number, reason: string, events: EventSink): Promise<never> {
  const jobId = String(job.id)
  const key = keys.declined(jobId)
  const isNew = await ctx.redis.hsetnx(key, ctx.workerId, JSON.stringify({ host: ctx.host, reason }))
  await ctx.redis.expire(key, JOB_TTL_SECONDS)
  if (isNew === 1) {
    ctx.log(`worker ${ctx.workerId}: gave run #${runId} back: ${reason}`)
    events.send({ type: 'declined', worker: ctx.workerId, host: ctx.host, reason })
    await events.flush()
  }
  await job.moveToDelayed(Date.now() + ctx.giveBackMs, token)
  // BullMQ's way of saying "not done, not failed: moved on by the processor itself".
  throw new DelayedError()
}

/** Thrown when the job's lock lapsed (Redis away longer than the lock): the stalled check hands it on. */
class LockLost extends Error {}

async function train(ctx: JobContext, p: PoolJob, jobId: string, dir: string, events: EventSink): Promise<DoneMessage> {
  const runDir = path.join(dir, 'run')
  const parentDir = path.join(dir, 'parent')
  await fs.rm(dir, { recursive: true, force: true })
  await fs.mkdir(dir, { recursive: true })
  const log = (line: string): void => {
    ctx.log(`worker ${ctx.workerId}: run #${p.runId}: ${line}`)
    events.send({ type: 'log', line })
  }
  // Images fetched from an app's web mode stay for the next run on them (kept across jobs and restarts).
  const data = await jobPixels(ctx.redis, ctx.datasets, p.data, log, new PixelCache(path.join(ctx.dataDir, 'cache')))
  // A checkpoint here came from the app (a resumed run) or from a worker that died on this job.
  const checkpoint = await ctx.redis.getBuffer(keys.checkpoint(jobId))
  if (checkpoint) await unpackFolder(checkpoint, runDir)
  if (p.parent) {
    const parent = await ctx.redis.getBuffer(keys.parent(jobId))
    if (!parent) throw new Error("the finetune's pretraining checkpoint is no longer in Redis: queue the run again from the app")
    await unpackFolder(parent, parentDir)
  }
  const input: TrainingJobInput = {
    ...p.job, checkpointDir: runDir, encoderFrom: p.parent ? parentDir : null, resume: checkpoint !== null, wasmThreads: ctx.wasmThreads,
  }
  const steps = stepSampler()
  const onMessage = (m: FromWorker): void => {
    if (m.type === 'ready') events.send({ ...m, worker: ctx.workerId, host: ctx.host })
    else if (m.type === 'step') {
      const sampled = steps(m)
      if (sampled) events.send(sampled)
    } else if (m.type === 'epoch') events.send(m)
    else if (m.type === 'checkpoint') events.checkpoint(runDir, m.epoch)
  }
  const handle = startTrainingWorker(input, data, onMessage, ctx.training)
  const poll = setInterval(() => {
    ctx.redis.exists(keys.cancel(jobId), keys.ended(jobId)).then((n) => n > 0 && handle.cancel(), () => undefined)
  }, ctx.cancelPollMs)
  // BullMQ does not stop a processor whose lock lapsed, and another worker may already resume the
  // job from its last checkpoint: training on here would train the run twice.
  let lost = false
  ctx.onLockLost.set(jobId, () => {
    lost = true
    handle.cancel()
  })
  try {
    const done = await handle.done
    if (lost) {
      ctx.log(`worker ${ctx.workerId}: lost the lock of run #${p.runId} (Redis was away longer than the lock): stopped, another attempt resumes it`)
      throw new LockLost('lost the job\'s lock')
    }
    // The final folder holds what only the end writes (a pretraining run's encoder).
    if (!done.cancelled && done.epochsDone > 0) events.checkpoint(runDir, done.epochsDone - 1)
    events.send(done)
    await events.flush()
    ctx.log(`worker ${ctx.workerId}: run #${p.runId} ${done.cancelled ? 'cancelled' : 'trained to its end'} after ${done.epochsDone} epoch(s)`)
    return done
  } finally {
    clearInterval(poll)
    ctx.onLockLost.delete(jobId)
  }
}
