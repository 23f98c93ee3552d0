// The ablation grid (encoder frozen × skips, by label budget) and the metric-vs-labels curves, as
// plain numbers; the chart builders in ../../charts turn them into echarts options.
import type { RunSummary } from '../../../../shared/types/runs'
import { meanStd, type MeanStd, type MetricKey } from './aggregate'
import { labelsText, methodLabel } from './format'
import { PAPER_TABLE2, TABLE2_FRACTIONS, TABLE2_ROWS } from './paper'

export interface GridCell {
  row: number
  col: number
  stats: MeanStd
  /** The paper's Table 2 value for this cell, where it has one (SimCLR, Jaccard, 90/10/1 %). */
  paper: number | null
}

export interface AblationGrid {
  rows: string[]
  cols: string[]
  cells: GridCell[]
}

/** Largest fraction first, as the paper's columns. */
function budgetOrder(run: RunSummary): number {
  const l = run.config.labels
  return l?.mode === 'fraction' ? -l.fraction : 0
}

/**
 * Finished finetunes of one method, arranged as Table 2: rows frozen × skip, columns label fractions
 * (budgets given as image counts belong to the metric-vs-labels plot instead).
 */
export function ablationGrid(runs: readonly RunSummary[], method: RunSummary['config']['method'], metric: MetricKey): AblationGrid {
  const mine = runs.filter((r) => r.kind === 'finetune' && r.config.method === method && r.metrics && r.config.labels?.mode === 'fraction')
  const cols = [...new Set([...mine].sort((a, b) => budgetOrder(a) - budgetOrder(b)).map((r) => labelsText(r.config.labels)))]
  const cells: GridCell[] = []
  TABLE2_ROWS.forEach((row, r) => {
    cols.forEach((col, c) => {
      const cellRuns = mine.filter(
        (run) => run.config.frozenEncoder === row.frozen && run.config.skips === row.skips && labelsText(run.config.labels) === col,
      )
      const paperCol = TABLE2_FRACTIONS.findIndex((f) => labelsText({ mode: 'fraction', fraction: f }) === col)
      const paper = method === 'simclr' && metric === 'jaccard' && paperCol !== -1 ? PAPER_TABLE2[r]![paperCol]! : null
      cells.push({ row: r, col: c, stats: meanStd(cellRuns.map((run) => run.metrics![metric])), paper })
    })
  })
  return { rows: TABLE2_ROWS.map((r) => r.label), cols, cells }
}

export interface CurvePoint extends MeanStd {
  x: number
}
export interface MethodCurve {
  name: string
  points: CurvePoint[]
}

/**
 * Metric vs number of labelled training images, one curve per method, mean ± std over the runs at
 * each count. countOf gives a run's image count (its budget, or its manifest for a fraction).
 */
export function labelCurves(runs: readonly RunSummary[], metric: MetricKey, countOf: (run: RunSummary) => number | null): MethodCurve[] {
  const byMethod = new Map<string, Map<number, number[]>>()
  for (const run of runs) {
    const x = run.kind === 'finetune' && run.metrics ? countOf(run) : null
    if (x === null || !(x > 0)) continue
    const name = methodLabel(run.config.method)
    const byX = byMethod.get(name) ?? new Map<number, number[]>()
    byX.set(x, [...(byX.get(x) ?? []), run.metrics![metric]])
    byMethod.set(name, byX)
  }
  return [...byMethod].map(([name, byX]) => ({
    name,
    points: [...byX].sort((a, b) => a[0] - b[0]).map(([x, values]) => ({ x, ...meanStd(values) })),
  }))
}
