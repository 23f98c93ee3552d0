// Mean ± std of final metrics over runs grouped by any config field (seeds collapse into one row),
// only where the group's runs are comparable. Used by the compare view's grouped table, the labels
// plot and the paper tables.
import type { EpochMetrics } from '../../../../shared/training-protocol'
import type { RunSummary } from '../../../../shared/types/runs'
import { configKey, lookupIn, type Mixed, mixedSettings, type RunLookup } from './comparable'
import { labelsText, methodLabel, STATUS_LABELS } from './format'

export { configKey }

export const METRIC_KEYS = ['f1', 'jaccard', 'meanIou', 'foregroundIou', 'pixelAccuracy'] as const
export type MetricKey = (typeof METRIC_KEYS)[number]
export const METRIC_LABELS: Record<MetricKey, string> = {
  f1: 'F1',
  jaccard: 'Jaccard',
  meanIou: 'Mean IoU',
  foregroundIou: 'Foreground IoU',
  pixelAccuracy: 'Pixel accuracy',
}

/**
 * The tables' metric columns: the paper's F1 / Jaccard, then foreground IoU and per-class IoU, which a
 * model predicting only background cannot score well on (its class-averaged Jaccard can look fine).
 */
export const TABLE_METRICS = ['f1', 'jaccard', 'foregroundIou', 'iouPet', 'iouBackground', 'iouBorder', 'meanIou', 'pixelAccuracy'] as const
export type TableMetric = (typeof TABLE_METRICS)[number]
export const TABLE_METRIC_LABELS: Record<TableMetric, string> = {
  ...METRIC_LABELS,
  iouPet: 'IoU pet',
  iouBackground: 'IoU background',
  iouBorder: 'IoU border',
}
const CLASS_INDEX = { iouPet: 0, iouBackground: 1, iouBorder: 2 } as const

/** A metric of a run's final metrics; per-class IoU is null where the class was absent (or not stored). */
export function metricValue(m: EpochMetrics | null | undefined, key: TableMetric): number | null {
  if (!m) return null
  if (key in CLASS_INDEX) return m.iou?.[CLASS_INDEX[key as keyof typeof CLASS_INDEX]] ?? null
  const v = m[key as MetricKey]
  return typeof v === 'number' ? v : null
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
  value: (run: RunSummary, lookup?: RunLookup) => string
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no')

export const GROUP_FIELDS: readonly GroupField[] = [
  { id: 'config', label: 'Same config (seeds pooled)', value: configKey },
  { id: 'split', label: 'Split', value: (r) => r.config.split ?? 'official' },
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
  /** Over the measured runs; all null (n = 0) when they are mixed. */
  stats: Record<TableMetric, MeanStd>
  /** What differs between the measured runs besides the seed, or null: only then is there a mean. */
  mixed: Mixed | null
}

/** Statistics of each metric over the runs that have final metrics. */
export function metricStats(runs: readonly RunSummary[]): Record<TableMetric, MeanStd> {
  const withMetrics = runs.map((r) => r.metrics).filter((m): m is EpochMetrics => m !== null)
  const stats = {} as Record<TableMetric, MeanStd>
  for (const key of TABLE_METRICS) stats[key] = meanStd(withMetrics.flatMap((m) => metricValue(m, key) ?? []))
  return stats
}

const NO_STATS = (): Record<TableMetric, MeanStd> =>
  Object.fromEntries(TABLE_METRICS.map((k) => [k, { mean: null, std: null, n: 0 }])) as Record<TableMetric, MeanStd>

/**
 * Groups in first-seen order (the caller sorts runs first if it wants another order). A group whose
 * measured runs differ in more than the seed gets no mean: it says what differs instead. `all` is
 * where finetunes' pretraining runs are looked up (default: the runs themselves).
 */
export function groupRuns(runs: readonly RunSummary[], fieldId: string, all: readonly RunSummary[] = runs): RunGroup[] {
  const field = groupField(fieldId)
  const lookup = lookupIn(all)
  const groups = new Map<string, RunSummary[]>()
  for (const run of runs) {
    const key = field.value(run, lookup)
    const list = groups.get(key) ?? []
    list.push(run)
    groups.set(key, list)
  }
  return [...groups].map(([key, list]) => {
    const mixed = mixedSettings(list, lookup)
    return { key, runs: list, measured: list.filter((r) => r.metrics !== null).length, stats: mixed ? NO_STATS() : metricStats(list), mixed }
  })
}

/** Groups with a mean, best foreground IoU first; then the rest (mixed or unmeasured) as they came. */
export function sortGroups(groups: readonly RunGroup[]): RunGroup[] {
  const fg = (g: RunGroup): number | null => g.stats.foregroundIou.mean
  return [...groups].sort((a, b) => {
    const [x, y] = [fg(a), fg(b)]
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1
    return y - x
  })
}
