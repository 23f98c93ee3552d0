// One pool job on a worker: validates the payload, fetches the pixels and any checkpoint or parent
// encoder from Redis into a local folder, trains with the same training worker as a local run, and
// streams its messages (and each epoch's checkpoint folder) back through the job's event stream.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { type Job, UnrecoverableError } from 'bullmq'
import type { Redis } from 'ioredis'
import { toWireError } from '../../shared/errors'
import type { FromWorker, TrainingJobInput } from '../../shared/training-protocol'
import { type DoneMessage, startTrainingWorker, type WorkerOptions } from '../training/host/worker-client'
import { packFolder, unpackFolder } from './folder-bundle'
import { getPixels } from './pixels'
import { JOB_TTL_SECONDS, keys, type PoolEvent, type PoolJob, poolJobSchema } from './protocol'

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
  running(runId: number, on: boolean): void
}

/** What this worker appends (poolEventSchema reads it back on the app's side, token added). */
type Outgoing =
  | (Extract<FromWorker, { type: 'ready' }> & { worker: string; host: string })
  | Extract<FromWorker, { type: 'step' | 'epoch' | 'done' }>
  | Extract<PoolEvent, { type: 'checkpoint' | 'log' | 'error' }> extends infer E
  ? E extends { token: string }
    ? Omit<E, 'token'>
    : E
  : never

/** Appends events to the job's stream in order, checkpoints included; the first failure surfaces on flush. */
class EventSink {
  private chain: Promise<void> = Promise.resolve()
  private failure: unknown = null

  constructor(
    private readonly redis: Redis,
    private readonly jobId: string,
    private readonly token: string,
  ) {}

  send(e: Outgoing): void {
    this.then(async () => {
      const key = keys.events(this.jobId)
      await this.redis.multi().xadd(key, '*', 'e', JSON.stringify({ ...e, token: this.token })).expire(key, JOB_TTL_SECONDS).exec()
    })
  }

  /** Stores the folder as the job's checkpoint, then tells the app it is there. */
  checkpoint(dir: string, epoch: number): void {
    this.then(async () => {
      const buf = await packFolder(dir)
      await this.redis.set(keys.checkpoint(this.jobId), buf, 'EX', JOB_TTL_SECONDS)
    })
    this.send({ type: 'checkpoint', epoch })
  }

  async flush(): Promise<void> {
    await this.chain
    if (this.failure) throw this.failure
  }

  private then(fn: () => Promise<void>): void {
    this.chain = this.chain.then(fn).catch((err: unknown) => {
      this.failure ??= err
    })
  }
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
  if ((await ctx.redis.exists(keys.cancel(jobId))) === 1) {
    const done: DoneMessage = { type: 'done', cancelled: true, epochsDone: 0, steps: 0, lastLoss: Number.NaN, metrics: null }
    events.send(done)
    await events.flush()
    return done
  }
  // Per attempt: a worker that lost this job may still be using its own folder on the same disk.
  const dir = path.join(ctx.dataDir, 'jobs', `${jobId}.${randomUUID().slice(0, 8)}`)
  ctx.running(p.runId, true)
  try {
    return await train(ctx, p, jobId, dir, events)
  } catch (err) {
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

async function train(ctx: JobContext, p: PoolJob, jobId: string, dir: string, events: EventSink): Promise<DoneMessage> {
  const runDir = path.join(dir, 'run')
  const parentDir = path.join(dir, 'parent')
  await fs.rm(dir, { recursive: true, force: true })
  await fs.mkdir(dir, { recursive: true })
  const data = await getPixels(ctx.redis, p.data)
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
  const onMessage = (m: FromWorker): void => {
    if (m.type === 'ready') events.send({ ...m, worker: ctx.workerId, host: ctx.host })
    else if (m.type === 'step' || m.type === 'epoch') events.send(m)
    else if (m.type === 'checkpoint') events.checkpoint(runDir, m.epoch)
  }
  const handle = startTrainingWorker(input, data, onMessage, ctx.training)
  const poll = setInterval(() => {
    ctx.redis.exists(keys.cancel(jobId)).then((n) => n === 1 && handle.cancel(), () => undefined)
  }, ctx.cancelPollMs)
  try {
    const done = await handle.done
    // The final folder holds what only the end writes (a pretraining run's encoder).
    if (!done.cancelled && done.epochsDone > 0) events.checkpoint(runDir, done.epochsDone - 1)
    events.send(done)
    await events.flush()
    return done
  } finally {
    clearInterval(poll)
  }
}
