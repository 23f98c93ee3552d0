// Which dataset's runs the compare view shows: the open one (by default), another, or all of them;
// and, when the open dataset has none, how many runs other datasets hold.
import type { DatasetInfo } from '../../../../shared/types/dataset'
import type { RunSummary } from '../../../../shared/types/runs'

export type DatasetScope = number | 'all'

export function runsInScope(runs: readonly RunSummary[], scope: DatasetScope): RunSummary[] {
  return scope === 'all' ? [...runs] : runs.filter((r) => r.config.datasetId === scope)
}

export interface DatasetChoice {
  id: number
  name: string
  runs: number
}

/** Every dataset that has runs (named where known), the open one first, then by name. */
export function datasetChoices(runs: readonly RunSummary[], known: readonly DatasetInfo[], openId: number | null): DatasetChoice[] {
  const counts = new Map<number, number>()
  for (const r of runs) counts.set(r.config.datasetId, (counts.get(r.config.datasetId) ?? 0) + 1)
  if (openId !== null && !counts.has(openId)) counts.set(openId, 0)
  const name = (id: number) => known.find((d) => d.id === id)?.name ?? `Dataset #${id}`
  return [...counts]
    .map(([id, n]) => ({ id, name: name(id), runs: n }))
    .sort((a, b) => Number(b.id === openId) - Number(a.id === openId) || a.name.localeCompare(b.name) || a.id - b.id)
}

/** "No runs on this dataset; 12 runs on 2 other datasets", or null when it has runs or nothing else does. */
export function elsewhereText(runs: readonly RunSummary[], openId: number | null): string | null {
  if (openId === null || runs.some((r) => r.config.datasetId === openId)) return null
  const others = runs.filter((r) => r.config.datasetId !== openId)
  if (!others.length) return null
  const datasets = new Set(others.map((r) => r.config.datasetId)).size
  return `No runs on this dataset; ${others.length} run${others.length === 1 ? '' : 's'} on ${datasets} other dataset${datasets === 1 ? '' : 's'}`
}
