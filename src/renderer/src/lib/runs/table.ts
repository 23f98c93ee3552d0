// Filtering and sorting of the compare view's runs table (pure, so the rules are testable).
import type { RunKind, RunStatus, RunSummary } from '../../../../shared/types/runs'
import { labelsText, methodLabel, runDisplayName } from './format'
import { metricValue, type TableMetric } from './aggregate'

export interface RunFilter {
  status: RunStatus | ''
  kind: RunKind | ''
  method: RunSummary['config']['method'] | ''
  /** Matched case-insensitively against name, tag, method, labels and backend. */
  text: string
}

export const EMPTY_FILTER: RunFilter = { status: '', kind: '', method: '', text: '' }

function haystack(run: RunSummary): string {
  return [run.name, `#${run.id}`, run.config.tag ?? '', methodLabel(run.config.method), labelsText(run.config.labels), run.backend ?? '']
    .join(' ')
    .toLowerCase()
}

export function filterRuns(runs: readonly RunSummary[], f: RunFilter): RunSummary[] {
  const words = f.text.toLowerCase().split(/\s+/).filter(Boolean)
  return runs.filter(
    (r) =>
      (!f.status || r.status === f.status) &&
      (!f.kind || r.kind === f.kind) &&
      (!f.method || r.config.method === f.method) &&
      words.every((w) => haystack(r).includes(w)),
  )
}

export type SortKey = 'id' | 'name' | 'status' | 'method' | 'labels' | 'epochs' | 'lastLoss' | TableMetric
export interface Sort {
  key: SortKey
  dir: 'asc' | 'desc'
}

/**
 * Best foreground IoU first: a model that predicts only background scores 0 there, however well its
 * class-averaged Jaccard looks, so it cannot head the table.
 */
export const DEFAULT_SORT: Sort = { key: 'foregroundIou', dir: 'desc' }

/** A budget's size for sorting: a fraction counts as far more than any image count. */
function labelsRank(r: RunSummary): number {
  const l = r.config.labels
  if (!l) return -1
  return l.mode === 'count' ? l.count : 1e9 * l.fraction
}

function sortValue(r: RunSummary, key: SortKey): number | string | null {
  switch (key) {
    case 'id':
      return r.id
    case 'name':
      return runDisplayName(r).toLowerCase()
    case 'status':
      return r.status
    case 'method':
      return methodLabel(r.config.method)
    case 'labels':
      return labelsRank(r)
    case 'epochs':
      return r.config.epochs
    case 'lastLoss':
      return r.lastLoss
    default:
      return metricValue(r.metrics, key)
  }
}

/** Stable sort; runs without a value (no metrics yet) always go last, whichever the direction. */
export function sortRuns(runs: readonly RunSummary[], sort: Sort): RunSummary[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  return [...runs].sort((a, b) => {
    const va = sortValue(a, sort.key)
    const vb = sortValue(b, sort.key)
    if (va === null || vb === null) return va === vb ? a.id - b.id : va === null ? 1 : -1
    const cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb))
    return cmp * sign || a.id - b.id
  })
}

/** Click on a header: a new column sorts descending for metrics, ascending otherwise; again flips. */
export function nextSort(current: Sort, key: SortKey, metricKeys: readonly string[]): Sort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' }
  return { key, dir: metricKeys.includes(key) ? 'desc' : 'asc' }
}
