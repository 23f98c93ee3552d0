// The queue's order and an estimate of when it will be empty: the running run's own ETA plus, for
// each queued run, the per-epoch time of the latest finished run most like it.
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
  /** Seconds for the runs that could be estimated. */
  seconds: number
  /** Runs with no estimate yet (nothing alike has finished): the total is a lower bound. */
  unknown: number
}

export function queueEta(runs: readonly RunSummary[]): QueueEta {
  let seconds = 0
  let unknown = 0
  for (const run of queueOrder(runs)) {
    const s = run.status === 'running' ? (run.progress?.etaSeconds ?? null) : estimateRunSeconds(run, runs)
    if (s === null) unknown++
    else seconds += s
  }
  return { seconds, unknown }
}
