// Short human-readable text for run fields (method, label budget, ETA, metrics), shared by the
// training and compare views so a run reads the same everywhere.
import type { RunStatus } from '../../../../shared/types/runs'

export { labelsText, METHOD_LABELS, methodLabel, percent, runDisplayName, runTitle } from '../../../../shared/run-text'

export const STATUS_LABELS: Record<RunStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
}

/** "45 s", "3 min 20 s", "2 h 05 min"; null or negative means not known yet. */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  if (s < 3600) {
    const m = Math.floor(s / 60)
    const rest = s % 60
    return rest ? `${m} min ${rest} s` : `${m} min`
  }
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  return `${h} h ${String(m).padStart(2, '0')} min`
}

export function formatMetric(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(digits)
}

/** "0.650 ± 0.012" (n > 1) or just "0.650". */
export function formatMeanStd(mean: number | null, std: number | null, n: number): string {
  if (mean === null) return '—'
  return n > 1 && std !== null ? `${mean.toFixed(3)} ± ${std.toFixed(3)}` : mean.toFixed(3)
}
