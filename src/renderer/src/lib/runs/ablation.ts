// The ablation grid (encoder frozen × skips, by label budget) and the metric-vs-labels curves, as
// plain numbers; the chart builders in ../../charts turn them into echarts options.
import type { RunSummary } from '../../../../shared/types/runs'
import { meanStd, type MeanStd, type MetricKey } from './aggregate'
import { lookupIn, mixedSettings, settingsOf } from './comparable'
import { labelsText, methodLabel } from './format'
import { PAPER_TABLE2, TABLE2_FRACTIONS, TABLE2_ROWS } from './paper'

export interface GridCell {
  row: number
  col: number
  stats: MeanStd
  /** The paper's Table 2 value for this cell, where it has one (SimCLR, Jaccard, 90/10/1 %). */
  paper: number | null
  /** Settings that differ between the cell's runs (then no mean is shown), or null. */
  mixed: string[] | null
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
  const lookup = lookupIn(runs)
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
      // Runs that differ in more than the seed are not averaged: the cell names what differs instead.
      const mixed = mixedSettings(cellRuns, lookup)?.differing ?? null
      const stats = meanStd(mixed ? [] : cellRuns.map((run) => run.metrics![metric]))
      cells.push({ row: r, col: c, stats, paper, mixed })
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
 * Metric vs number of labelled training images, mean ± std over the runs at each count: one curve per
 * experiment, i.e. runs identical apart from seed and label budget. A method with several such
 * experiments gets one curve each, named by the settings that tell them apart.
 * countOf gives a run's image count (its budget, or its manifest for a fraction).
 */
export function labelCurves(runs: readonly RunSummary[], metric: MetricKey, countOf: (run: RunSummary) => number | null): MethodCurve[] {
  const lookup = lookupIn(runs)
  const byKey = new Map<string, { method: string; settings: Map<string, string>; byX: Map<number, number[]> }>()
  for (const run of runs) {
    const x = run.kind === 'finetune' && run.metrics ? countOf(run) : null
    if (x === null || !(x > 0)) continue
    const settings = new Map(settingsOf(run, lookup).filter(([k]) => k !== 'labels' && k !== 'dataset'))
    const key = [...settings.values()].join(' · ')
    const curve = byKey.get(key) ?? { method: methodLabel(run.config.method), settings, byX: new Map<number, number[]>() }
    curve.byX.set(x, [...(curve.byX.get(x) ?? []), run.metrics![metric]])
    byKey.set(key, curve)
  }
  const curves = [...byKey.values()]
  return curves.map((c) => {
    const siblings = curves.filter((o) => o.method === c.method)
    const differing = [...c.settings.keys()].filter((k) => siblings.some((o) => o.settings.get(k) !== c.settings.get(k)))
    return {
      name: [c.method, ...differing.map((k) => c.settings.get(k)!)].join(' · '),
      points: [...c.byX].sort((a, b) => a[0] - b[0]).map(([x, values]) => ({ x, ...meanStd(values) })),
    }
  })
}
