// When a run started and how long it took, as the runs table shows them (the run manager's columns).
import type { RunSummary } from '../../../../shared/types/runs'

/** "2026-03-04 14:05" in local time, or "—" before it starts. */
export function startedText(r: Pick<RunSummary, 'startedAt'>): string {
  if (!r.startedAt) return '—'
  const d = new Date(r.startedAt)
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}

/** Seconds from start to finish (to `now` while it runs), or null before it starts. */
export function durationSeconds(r: Pick<RunSummary, 'startedAt' | 'finishedAt'>, now = Date.now()): number | null {
  if (!r.startedAt) return null
  const end = r.finishedAt ? Date.parse(r.finishedAt) : now
  return Math.max(0, Math.round((end - Date.parse(r.startedAt)) / 1000))
}

/** "42 s", "3 min 5 s", "2 h 10 min", or "—". */
export function durationText(r: Pick<RunSummary, 'startedAt' | 'finishedAt'>, now = Date.now()): string {
  const s = durationSeconds(r, now)
  if (s === null) return '—'
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}
