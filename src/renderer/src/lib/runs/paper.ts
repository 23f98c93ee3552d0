// The paper's settings and its Tables 1 and 2, and our runs arranged the same way (by template tag)
// so the compare view can show ours beside the paper's numbers.
import { EVAL_BATCH, type PretrainMethod } from '../../../../shared/training-protocol'
import type { RunSummary } from '../../../../shared/types/runs'
import { TABLE1_METHODS, TABLE1_TAG, TABLE2_FRACTIONS, TABLE2_ROWS, TABLE2_TAG } from '../../../../shared/paper-settings'
import { type MeanStd, metricStats, type TableMetric } from './aggregate'
import { lookupIn, type Mixed, mixedSettings } from './comparable'

export { PAPER_SETTINGS, SWEEP_TAG, TABLE1_METHODS, TABLE1_TAG, TABLE2_FRACTIONS, TABLE2_ROWS, TABLE2_TAG } from '../../../../shared/paper-settings'

/** Table 1: frozen encoder, 90 % of the finetuning set. */
export const PAPER_TABLE1: Record<PretrainMethod, { f1: number; jaccard: number }> = {
  simclr: { f1: 0.775, jaccard: 0.65 },
  'mae-patch': { f1: 0.779, jaccard: 0.656 },
  'mae-pixel': { f1: 0.754, jaccard: 0.622 },
  'mae-none': { f1: 0.748, jaccard: 0.614 },
}

/** Table 2 (SimCLR, Jaccard), row by row as TABLE2_ROWS, columns 90 / 10 / 1 %. */
export const PAPER_TABLE2: readonly (readonly number[])[] = [
  [0.706, 0.575, 0.467],
  [0.716, 0.602, 0.448],
  [0.469, 0.65, 0.55],
  [0.646, 0.559, 0.42],
]

/**
 * How the metrics are computed where the paper (§2.7) is silent; shown under the tables. The numbers
 * are ours: a class absent from both truth and prediction in a batch is left out of its class average.
 */
export const METRIC_CONVENTIONS =
  `F1 and Jaccard as in §2.7: per class, averaged over the classes in the test batch — a class absent from both truth and prediction is left out, not counted as 0 or 1 — then averaged over test batches of ${EVAL_BATCH} images, whatever the training batch. IoU columns pool every test pixel; foreground is pet + border against background.`

function taggedFinetunes(runs: readonly RunSummary[], tag: string): RunSummary[] {
  return runs.filter((r) => r.kind === 'finetune' && (r.config.tag ?? '').startsWith(tag))
}

/** Our runs for one cell of a paper table: mean ± std of each metric, or what differs when they are mixed. */
export interface Ours {
  stats: Record<TableMetric, MeanStd>
  runs: number
  mixed: Mixed | null
}

function ours(mine: RunSummary[], all: readonly RunSummary[]): Ours {
  const mixed = mixedSettings(mine, lookupIn(all))
  const stats = metricStats(mixed ? [] : mine)
  return { stats, runs: mine.length, mixed }
}

export interface Table1Row extends Ours {
  method: PretrainMethod
  paper: { f1: number; jaccard: number }
}

/** Our Table 1 runs (tagged by the template), pooled over seeds where comparable, beside the paper's numbers. */
export function table1Rows(runs: readonly RunSummary[]): Table1Row[] {
  const tagged = taggedFinetunes(runs, TABLE1_TAG)
  return TABLE1_METHODS.map((method) => ({ method, paper: PAPER_TABLE1[method], ...ours(tagged.filter((r) => r.config.method === method), runs) }))
}

export interface Table2Cell extends Ours {
  row: number
  col: number
  paper: number
}

const sameFraction = (a: number, b: number) => Math.abs(a - b) < 1e-9

/** Our Table 2 grid (row-major, TABLE2_ROWS × TABLE2_FRACTIONS) with the paper's Jaccard per cell. */
export function table2Cells(runs: readonly RunSummary[]): Table2Cell[] {
  const tagged = taggedFinetunes(runs, TABLE2_TAG)
  return TABLE2_ROWS.flatMap((row, r) =>
    TABLE2_FRACTIONS.map((fraction, c) => {
      const mine = tagged.filter(
        (run) =>
          run.config.frozenEncoder === row.frozen &&
          run.config.skips === row.skips &&
          run.config.labels?.mode === 'fraction' &&
          sameFraction(run.config.labels.fraction, fraction),
      )
      return { row: r, col: c, paper: PAPER_TABLE2[r]![c]!, ...ours(mine, runs) }
    }),
  )
}
