// Follows one pool job for the coordinator: reads its event stream in order, hands the training
// messages of the current attempt (epochs with their SSL health) to the run's progress forwarder, copies
// each checkpoint into the app's runs folder, and ends with the job's outcome ('done', error, or failure).
import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { AppError } from '../../shared/errors'
import type { BackendReport, FromWorker } from '../../shared/training-protocol'
import type { DoneMessage } from '../training/host/worker-client'
import { unpackFolder } from './folder-bundle'
import { keys, type PoolEvent, poolEventSchema } from './protocol'

export interface Follow {
  redis: Redis
  queue: Queue
  jobId: string
  runId: number
  /** The app's copy of the run's checkpoint folder. */
  checkpointDir: string
  forward(m: FromWorker): void
  log(line: string): void
  pollMs: number
  cancelled(): boolean
  /** Stop following (the app is closing); the outcome is then 'cancelled'. */
  stop(): boolean
}

interface State {
  /** The attempt whose events count: a worker that lost the job to another is ignored from then on. */
  token: string | null
  completedSeen: boolean
}

export async function followJob(f: Follow): Promise<DoneMessage> {
  const conn = f.redis.duplicate()
  const st: State = { token: null, completedSeen: false }
  let last = '0-0'
  try {
    for (;;) {
      if (f.stop()) return { type: 'done', cancelled: true, epochsDone: 0, steps: 0, lastLoss: Number.NaN, metrics: null }
      const res = await conn.xread('COUNT', 200, 'BLOCK', f.pollMs, 'STREAMS', keys.events(f.jobId), last)
      const entries = res?.[0]?.[1] ?? []
      for (const [id, fields] of entries) {
        last = id
        const end = await apply(f, st, parseEvent(f, fields))
        if (end) return end
      }
      if (entries.length === 0) {
        const end = await jobEnd(f, st)
        if (end) return end
      }
    }
  } finally {
    conn.disconnect()
  }
}

function parseEvent(f: Follow, fields: string[]): PoolEvent | null {
  const i = fields.indexOf('e')
  let raw: unknown = null
  try {
    raw = i >= 0 ? JSON.parse(fields[i + 1] ?? '') : null
  } catch {
    raw = null
  }
  const r = poolEventSchema.safeParse(raw)
  if (!r.success) f.log(`pool: run #${f.runId}: ignored an event that does not match the schema`)
  return r.success ? r.data : null
}

async function apply(f: Follow, st: State, ev: PoolEvent | null): Promise<DoneMessage | null> {
  if (!ev) return null
  if (ev.type === 'ready') {
    st.token = ev.token
    const from = ev.resumedFromEpoch > 0 ? `, resuming after epoch ${ev.resumedFromEpoch}` : ''
    f.log(`pool: run #${f.runId} training on worker ${ev.worker} (${ev.host}, ${ev.backend.name})${from}`)
    f.forward({ type: 'ready', backend: onHost(ev.backend as BackendReport, ev.host, ev.worker), resumedFromEpoch: ev.resumedFromEpoch })
    return null
  }
  if (st.token !== null && ev.token !== st.token) return null
  switch (ev.type) {
    case 'step':
    case 'epoch': {
      const { token: _, ...m } = ev
      f.forward(m as FromWorker)
      return null
    }
    case 'checkpoint':
      await copyCheckpoint(f)
      return null
    case 'log':
      f.log(`pool: run #${f.runId}: ${ev.line}`)
      return null
    case 'done':
      return { type: 'done', cancelled: ev.cancelled, epochsDone: ev.epochsDone, steps: ev.steps, lastLoss: ev.lastLoss, metrics: ev.metrics }
    case 'error':
      throw new AppError('INTERNAL', ev.message)
  }
}

/** The latest checkpoint in Redis into the app's runs folder; one that fails to land is only logged (the next one replaces it). */
async function copyCheckpoint(f: Follow): Promise<void> {
  if (f.stop()) return
  try {
    const buf = await f.redis.getBuffer(keys.checkpoint(f.jobId))
    if (buf) await unpackFolder(buf, f.checkpointDir)
  } catch (err) {
    f.log(`pool: run #${f.runId}: its checkpoint did not reach ${f.checkpointDir}: ${err instanceof Error ? err.message : String(err)}`)
  }
}

/** The job's end as BullMQ knows it, when its stream has nothing more to say; null while it lives. */
async function jobEnd(f: Follow, st: State): Promise<DoneMessage | null> {
  const state = await f.queue.getJobState(f.jobId)
  if (state === 'failed') {
    const job = await f.queue.getJob(f.jobId)
    throw new AppError('INTERNAL', `the pool failed the run: ${job?.failedReason || 'no reason given'}`)
  }
  if (state === 'unknown') {
    if (f.cancelled()) return { type: 'done', cancelled: true, epochsDone: 0, steps: 0, lastLoss: Number.NaN, metrics: null }
    throw new AppError('INTERNAL', "the run's job is gone from the pool's Redis (flushed, or restarted without persistence?)")
  }
  // A completed job's 'done' precedes its completion in the stream; read once more before giving up on it.
  if (state === 'completed') {
    if (!st.completedSeen) {
      st.completedSeen = true
      return null
    }
    throw new AppError('INTERNAL', 'the pool says the run completed, but its worker never said how')
  }
  return null
}

/** The worker's report as the run keeps it: which worker trained it, and on which host its backend loaded. */
function onHost(report: BackendReport, host: string, worker: string): BackendReport {
  return { ...report, worker, attempts: report.attempts.map((a) => (a.ok ? { ...a, reason: `${a.reason} (pool worker on ${host})` } : a)) }
}
