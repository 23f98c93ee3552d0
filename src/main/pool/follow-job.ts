// Follows one pool job for the coordinator: reads its event stream in order from its start (so an app
// that was away replays what happened meanwhile), hands the training messages of the current attempt
// (epochs with their SSL health) to the run's progress forwarder, copies the latest checkpoint into the
// app's runs folder, and ends with the job's outcome ('done', error, failure, or no worker can train it).
import type { Queue } from 'bullmq'
import type { Redis } from 'ioredis'
import { AppError } from '../../shared/errors'
import type { BackendReport, FromWorker } from '../../shared/training-protocol'
import type { DoneMessage } from '../training/host/worker-client'
import { unpackFolder } from './folder-bundle'
import { type Announcement, decodeEvent, declineSchema, keys, type PoolEvent, poolEventSchema } from './protocol'

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
  /** The pool's live workers, to tell when every one of them has given the job back. */
  workers(): Promise<Announcement[]>
}

interface State {
  /** The attempt whose events count: a worker that lost the job to another is ignored from then on. */
  token: string | null
  completedSeen: boolean
  /** A checkpoint event was read whose bundle is not copied yet: one copy per batch of events. */
  checkpointPending: boolean
  /** Some worker gave the job back: quiet polls check whether every live worker has. */
  declined: Set<string>
}

export async function followJob(f: Follow): Promise<DoneMessage> {
  const conn = f.redis.duplicate()
  // A duplicate has none of the original's listeners: without one, each failed reconnect while Redis
  // restarts prints "[ioredis] Unhandled error event" (the XREAD is resent once it is back).
  conn.on('error', () => undefined)
  const st: State = { token: null, completedSeen: false, checkpointPending: false, declined: new Set() }
  let last = '0-0'
  try {
    for (;;) {
      if (f.stop()) return { type: 'done', cancelled: true, epochsDone: 0, steps: 0, lastLoss: Number.NaN, metrics: null }
      const res = await conn.xread('COUNT', 200, 'BLOCK', f.pollMs, 'STREAMS', keys.events(f.jobId), last)
      const entries = res?.[0]?.[1] ?? []
      for (const [id, fields] of entries) {
        last = id
        const end = await apply(f, st, parseEvent(f, fields))
        if (end) {
          await copyCheckpoint(f, st)
          return end
        }
      }
      await copyCheckpoint(f, st)
      if (entries.length === 0) {
        const end = await jobEnd(f, st)
        if (end) return end
        await nobodyCanTrain(f, st)
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
    raw = i >= 0 ? decodeEvent(fields[i + 1] ?? '') : null
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
    f.forward({ type: 'ready', backend: onHost(ev.backend, ev.host, ev.worker), resumedFromEpoch: ev.resumedFromEpoch })
    return null
  }
  if (ev.type === 'declined') {
    f.log(`pool: run #${f.runId}: worker ${ev.worker} (${ev.host}) gave it back: ${ev.reason}`)
    st.declined.add(ev.worker)
    await nobodyCanTrain(f, st)
    return null
  }
  if (st.token !== null && ev.token !== st.token) return null
  switch (ev.type) {
    case 'step':
    case 'epoch': {
      const { token: _, ...m } = ev
      f.forward(m)
      return null
    }
    case 'checkpoint':
      st.checkpointPending = true
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
async function copyCheckpoint(f: Follow, st: State): Promise<void> {
  if (!st.checkpointPending || f.stop()) return
  st.checkpointPending = false
  try {
    const buf = await f.redis.getBuffer(keys.checkpoint(f.jobId))
    if (buf) await unpackFolder(buf, f.checkpointDir)
  } catch (err) {
    f.log(`pool: run #${f.runId}: its checkpoint did not reach ${f.checkpointDir}: ${err instanceof Error ? err.message : String(err)}`)
  }
}

/** Fails the run once every live worker has given the job back, with each one's reason. */
async function nobodyCanTrain(f: Follow, st: State): Promise<void> {
  if (st.declined.size === 0) return
  const [live, declined] = await Promise.all([f.workers(), f.redis.hgetall(keys.declined(f.jobId))])
  // With no worker alive the run waits: one that joins may train it.
  if (live.length === 0 || live.some((w) => !(w.id in declined))) return
  const reasons = live.map((w) => {
    const d = declineSchema.safeParse(safeJson(declined[w.id] ?? ''))
    return `${w.host} (worker ${w.id}): ${d.success ? d.data.reason : 'no reason given'}`
  })
  throw new AppError('UNSUPPORTED', `no worker in the pool can train this run — ${reasons.join('; ')}`)
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s)
  } catch {
    return null
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
