// The queue's order and an estimate of when it will be empty: each running run's own ETA and, for each
// queued run, the per-epoch time of the latest finished run most like it, laid out over the "runs at a
// time" slots as the service would start them.
import type { RunSummary } from '../../../../shared/types/runs'

/**
 * Running first, then interrupted runs (the service resumes them before anything queued), then queued
 * by queue position (then id, for a stable order).
 */
export function queueOrder(runs: readonly RunSummary[]): RunSummary[] {
  const pos = (r: RunSummary) => (r.status === 'running' ? -2 : r.status === 'interrupted' ? -1 : (r.queuePosition ?? Number.MAX_SAFE_INTEGER))
  return runs
    .filter((r) => r.status === 'running' || r.status === 'interrupted' || r.status === 'queued')
    .sort((a, b) => pos(a) - pos(b) || a.id - b.id)
}

function secondsPerEpoch(run: RunSummary): number | null {
  if (run.status !== 'done' || !run.startedAt || !run.finishedAt) return null
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000
  return Number.isFinite(seconds) && seconds > 0 ? seconds / run.config.epochs : null
}

/** How alike two runs are in what drives their speed; -1 when not comparable at all. */
function likeness(a: RunSummary, b: RunSummary): number {
  if (a.kind !== b.kind || a.config.imageSize !== b.config.imageSize) return -1
  let score = 0
  if (a.config.method === b.config.method) score += 4
  if (a.config.batchSize === b.config.batchSize) score += 2
  if (JSON.stringify(a.config.labels) === JSON.stringify(b.config.labels)) score += 2
  if (a.config.datasetId === b.config.datasetId) score += 1
  return score
}

/** Estimated seconds for a queued run, from the most alike finished run; null if none is alike. */
export function estimateRunSeconds(run: RunSummary, history: readonly RunSummary[]): number | null {
  let best: { score: number; spe: number; id: number } | null = null
  for (const h of history) {
    const spe = secondsPerEpoch(h)
    const score = likeness(run, h)
    if (spe === null || score < 0) continue
    // Prefer the most alike; among equals, the most recent (higher id).
    if (!best || score > best.score || (score === best.score && h.id > best.id)) best = { score, spe, id: h.id }
  }
  return best ? best.spe * run.config.epochs : null
}

export interface QueueEta {
  /** Seconds until the last run would finish, counting only the runs that could be estimated. */
  seconds: number
  /** Runs with no estimate yet (nothing alike has finished): the total is a lower bound. */
  unknown: number
}

/**
 * When the queue would be empty with up to `slots` runs training at once, as the service schedules
 * them: each running run holds a slot for its own ETA; then, whenever a slot frees, the first run in
 * queue order that may start takes it (a finetune waits for its pretraining run to finish). A run with
 * no estimate is counted in `unknown` and takes no time. The memory check, which may start fewer runs
 * at once, is not known here.
 */
export function queueEta(runs: readonly RunSummary[], slots = 1): QueueEta {
  const ordered = queueOrder(runs)
  const status = new Map(runs.map((r) => [r.id, r.status]))
  const finishAt = new Map<number, number>()
  let unknown = 0
  const duration = (s: number | null): number => {
    if (s === null) unknown++
    return s ?? 0
  }
  const running = ordered.filter((r) => r.status === 'running')
  for (const r of running) finishAt.set(r.id, duration(r.progress?.etaSeconds ?? null))
  // A finetune whose pretraining run failed or was cancelled fails at once: it never takes a slot.
  const pending = ordered.filter((r) => {
    const parent = r.parentRunId === null ? undefined : status.get(r.parentRunId)
    return r.status !== 'running' && parent !== 'failed' && parent !== 'cancelled'
  })
  const free = freeSlots([...finishAt.values()], Math.max(1, Math.floor(slots)))
  while (pending.length > 0) {
    const t = Math.min(...free)
    const slot = free.indexOf(t)
    let i = pending.findIndex((r) => startsBy(r, t, finishAt, pending))
    if (i === -1) {
      // Everything left waits for a pretraining run still training: this slot idles until one ends.
      const next = nextParentEnd(pending, t, finishAt)
      if (next !== null) {
        free[slot] = next
        continue
      }
      i = 0 // only with a lineage loop, which the service never makes: never spin forever
    }
    const [run] = pending.splice(i, 1) as [RunSummary]
    const end = t + duration(estimateRunSeconds(run, runs))
    finishAt.set(run.id, end)
    free[slot] = end
  }
  return { seconds: Math.max(0, ...finishAt.values()), unknown }
}

/**
 * When each of `slots` frees: runs beyond the setting (it was lowered while they ran) hold no slot of
 * their own, so the earliest of them to finish free nothing.
 */
function freeSlots(runningEnds: number[], slots: number): number[] {
  const ends = [...runningEnds].sort((a, b) => a - b).slice(Math.max(0, runningEnds.length - slots))
  return [...ends, ...Array<number>(slots - ends.length).fill(0)]
}

/** Whether the run may start at time t: no parent, or one that has finished (or is not in the queue). */
function startsBy(run: RunSummary, t: number, finishAt: Map<number, number>, pending: readonly RunSummary[]): boolean {
  const pid = run.parentRunId
  if (pid === null) return true
  const end = finishAt.get(pid)
  if (end !== undefined) return end <= t
  return !pending.some((p) => p.id === pid)
}

/** The first time after t that a pending run's parent finishes; null if none is training or placed. */
function nextParentEnd(pending: readonly RunSummary[], t: number, finishAt: Map<number, number>): number | null {
  const ends = pending
    .map((r) => (r.parentRunId === null ? undefined : finishAt.get(r.parentRunId)))
    .filter((e): e is number => e !== undefined && e > t)
  return ends.length ? Math.min(...ends) : null
}
