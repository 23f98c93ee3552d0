// Mean ± std of final metrics over runs grouped by any config field (seeds collapse into one row).
// Used by the compare view's grouped table, the labels plot and the paper tables.
import type { EpochMetrics } from '../../../../shared/training-protocol'
import type { RunSummary } from '../../../../shared/types/runs'
import { labelsText, methodLabel, STATUS_LABELS } from './format'

export const METRIC_KEYS = ['f1', 'jaccard', 'meanIou', 'foregroundIou', 'pixelAccuracy'] as const
export type MetricKey = (typeof METRIC_KEYS)[number]
export const METRIC_LABELS: Record<MetricKey, string> = {
  f1: 'F1',
  jaccard: 'Jaccard',
  meanIou: 'Mean IoU',
  foregroundIou: 'Foreground IoU',
  pixelAccuracy: 'Pixel accuracy',
}

export interface MeanStd {
  mean: number | null
  /** Sample standard deviation (n − 1); 0 for a single run, null for none. */
  std: number | null
  n: number
}

/** Mean and sample std of finite values; NaN/∞ are left out rather than poisoning the mean. */
export function meanStd(values: readonly number[]): MeanStd {
  const xs = values.filter((v) => Number.isFinite(v))
  const n = xs.length
  if (n === 0) return { mean: null, std: null, n: 0 }
  const mean = xs.reduce((a, b) => a + b, 0) / n
  if (n === 1) return { mean, std: 0, n }
  const ss = xs.reduce((a, b) => a + (b - mean) ** 2, 0)
  return { mean, std: Math.sqrt(ss / (n - 1)), n }
}

/** A field a run can be grouped by: its label and the run's value as display text. */
export interface GroupField {
  id: string
  label: string
  value: (run: RunSummary) => string
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no')

/** Everything that defines the experiment except the seed (and free-text tag): seeds pool together. */
export function configKey(run: RunSummary): string {
  const c = run.config
  return [
    c.kind,
    methodLabel(c.method),
    labelsText(c.labels),
    c.frozenEncoder ? 'frozen' : 'trainable',
    c.skips ? 'skips' : 'no skips',
    c.channels ? `channels ${c.channels.join('/')}` : null,
    `${c.epochs} ep`,
    `batch ${c.batchSize}`,
    `${c.imageSize} px`,
    c.method === 'simclr' ? `SimCLR ${c.simclrSize} px` : null,
    `lr ${c.learningRate}`,
  ]
    .filter((x) => x !== null)
    .join(' · ')
}

export const GROUP_FIELDS: readonly GroupField[] = [
  { id: 'config', label: 'Same config (seeds pooled)', value: configKey },
  { id: 'method', label: 'Method', value: (r) => methodLabel(r.config.method) },
  { id: 'kind', label: 'Kind', value: (r) => r.kind },
  { id: 'labels', label: 'Labels', value: (r) => labelsText(r.config.labels) },
  { id: 'frozenEncoder', label: 'Frozen encoder', value: (r) => yesNo(r.config.frozenEncoder) },
  { id: 'skips', label: 'Skips', value: (r) => yesNo(r.config.skips) },
  { id: 'epochs', label: 'Epochs', value: (r) => String(r.config.epochs) },
  { id: 'batchSize', label: 'Batch', value: (r) => String(r.config.batchSize) },
  { id: 'imageSize', label: 'Image size', value: (r) => String(r.config.imageSize) },
  { id: 'simclrSize', label: 'SimCLR size', value: (r) => String(r.config.simclrSize) },
  { id: 'learningRate', label: 'Learning rate', value: (r) => String(r.config.learningRate) },
  { id: 'seed', label: 'Seed', value: (r) => String(r.config.seed) },
  { id: 'backend', label: 'Backend', value: (r) => r.backend ?? r.config.backend ?? 'auto' },
  { id: 'tag', label: 'Tag', value: (r) => r.config.tag ?? '' },
  { id: 'status', label: 'Status', value: (r) => STATUS_LABELS[r.status] },
]

export function groupField(id: string): GroupField {
  const field = GROUP_FIELDS.find((f) => f.id === id)
  if (!field) throw new Error(`unknown group field "${id}"`)
  return field
}

export interface RunGroup {
  key: string
  runs: RunSummary[]
  /** Runs with final metrics (the others are still running, failed or pretraining). */
  measured: number
  stats: Record<MetricKey, MeanStd>
}

/** Statistics of each metric over the runs that have final metrics. */
export function metricStats(runs: readonly RunSummary[]): Record<MetricKey, MeanStd> {
  const withMetrics = runs.map((r) => r.metrics).filter((m): m is EpochMetrics => m !== null)
  const stats = {} as Record<MetricKey, MeanStd>
  for (const key of METRIC_KEYS) stats[key] = meanStd(withMetrics.map((m) => m[key]))
  return stats
}

/** Groups in first-seen order (the caller sorts runs first if it wants another order). */
export function groupRuns(runs: readonly RunSummary[], fieldId: string): RunGroup[] {
  const field = groupField(fieldId)
  const groups = new Map<string, RunSummary[]>()
  for (const run of runs) {
    const key = field.value(run)
    const list = groups.get(key) ?? []
    list.push(run)
    groups.set(key, list)
  }
  return [...groups].map(([key, list]) => ({
    key,
    runs: list,
    measured: list.filter((r) => r.metrics !== null).length,
    stats: metricStats(list),
  }))
}
