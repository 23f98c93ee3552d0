// Pure builders from runs' numbers to echarts options (no echarts runtime here, so tests check
// the options directly): live loss, per-epoch curves, SSL health, metric vs labels with error bars, heatmap.
import type { ComposeOption } from 'echarts/core'
import type { CustomSeriesOption, HeatmapSeriesOption, LineSeriesOption } from 'echarts/charts'
import type {
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components'
import type { EpochRecord } from '../../../shared/types/runs'
import type { AblationGrid, MethodCurve } from '../lib/runs/ablation'
import { METRIC_LABELS, type MetricKey } from '../lib/runs/aggregate'

export type ChartOption = ComposeOption<
  | LineSeriesOption
  | CustomSeriesOption
  | HeatmapSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
>

const GRID = { left: 64, right: 20, top: 36, bottom: 40 }
/** Y axis title along the axis, so it never collides with the legend above the plot. */
const yName = (name: string) => ({ name, nameLocation: 'middle' as const, nameGap: 46 })

export interface LossSeries {
  name: string
  points: readonly { x: number; loss: number }[]
}

/** Live training loss per step; one line per run. */
export function lossCurveOption(series: readonly LossSeries[]): ChartOption {
  return {
    animation: false,
    grid: GRID,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 26, min: 'dataMin' },
    yAxis: { type: 'value', ...yName('loss'), scale: true },
    series: series.map((s) => ({
      type: 'line',
      name: s.name,
      showSymbol: false,
      sampling: 'lttb',
      data: s.points.map((p) => [p.x, p.loss]),
    })),
  }
}

export type CurveMetric = MetricKey | 'loss'
export const CURVE_METRIC_LABELS: Record<CurveMetric, string> = { ...METRIC_LABELS, loss: 'Training loss' }

export interface EpochSeries {
  name: string
  epochs: readonly EpochRecord[]
}

/** One value of an epoch record: its mean loss, or a held-out metric (null before it was measured). */
export function epochValue(record: EpochRecord, metric: CurveMetric): number | null {
  if (metric === 'loss') return record.loss
  return record.metrics ? record.metrics[metric] : null
}

/** A metric (or the loss) per epoch, one line per run: several runs overlaid for comparison. */
export function epochCurvesOption(series: readonly EpochSeries[], metric: CurveMetric): ChartOption {
  return {
    animation: false,
    grid: GRID,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 26, minInterval: 1 },
    yAxis: { type: 'value', ...yName(CURVE_METRIC_LABELS[metric]), scale: true },
    series: series.map((s) => ({
      type: 'line',
      name: s.name,
      connectNulls: false,
      data: s.epochs.map((e) => [e.epoch, epochValue(e, metric)]),
    })),
  }
}

export type HealthMetric = 'embeddingStd' | 'deadChannels' | 'probe'
export const HEALTH_METRIC_LABELS: Record<HealthMetric, string> = {
  embeddingStd: 'Embedding std',
  deadChannels: 'Dead bottleneck channels',
  probe: 'k-NN probe foreground IoU',
}
const COLLAPSED_COLOUR = '#d62728'

/**
 * One SSL health measure per pretraining epoch; collapsed epochs are red points. The embedding std
 * comes with its collapse threshold as a dashed line, so "below the line" reads as collapse.
 */
export function healthCurveOption(epochs: readonly EpochRecord[], metric: HealthMetric): ChartOption {
  const measured = epochs.filter((e) => e.health)
  const series: LineSeriesOption[] = [
    {
      type: 'line',
      name: HEALTH_METRIC_LABELS[metric],
      connectNulls: false,
      data: measured.map((e) => ({
        value: [e.epoch, e.health![metric]],
        ...(e.health!.collapsed ? { itemStyle: { color: COLLAPSED_COLOUR }, symbolSize: 9 } : {}),
      })),
    },
  ]
  if (metric === 'embeddingStd') {
    series.push({
      type: 'line',
      name: 'collapse threshold',
      symbol: 'none',
      lineStyle: { type: 'dashed', color: COLLAPSED_COLOUR },
      itemStyle: { color: COLLAPSED_COLOUR },
      data: measured.map((e) => [e.epoch, e.health!.stdThreshold]),
    })
  }
  return {
    animation: false,
    grid: GRID,
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 26, minInterval: 1 },
    yAxis: { type: 'value', ...yName(HEALTH_METRIC_LABELS[metric]), min: 0, ...(metric === 'embeddingStd' ? {} : { max: 1 }) },
    series,
  }
}

/** Vertical whisker from low to high at x, with caps, in the series' colour. */
const errorBarItem: CustomSeriesOption['renderItem'] = (_params, api) => {
  const x = api.value(0)
  const top = api.coord([x, api.value(2)])
  const bottom = api.coord([x, api.value(1)])
  const style = { stroke: api.visual('color') as string, lineWidth: 1.5 }
  const cap = 5
  const line = (x1: number, y1: number, x2: number, y2: number) => ({ type: 'line' as const, shape: { x1, y1, x2, y2 }, style })
  return {
    type: 'group',
    children: [
      line(top[0]!, top[1]!, bottom[0]!, bottom[1]!),
      line(top[0]! - cap, top[1]!, top[0]! + cap, top[1]!),
      line(bottom[0]! - cap, bottom[1]!, bottom[0]! + cap, bottom[1]!),
    ],
  }
}

/** Metric vs labelled images (log axis), a line of means per method with ± std error bars. */
export function labelsPlotOption(curves: readonly MethodCurve[], metric: MetricKey): ChartOption {
  const series: (LineSeriesOption | CustomSeriesOption)[] = []
  for (const c of curves) {
    const points = c.points.filter((p) => p.mean !== null)
    series.push({ type: 'line', name: c.name, data: points.map((p) => [p.x, p.mean, p.std, p.n]) })
    series.push({
      type: 'custom',
      name: c.name,
      renderItem: errorBarItem,
      data: points.filter((p) => p.n > 1).map((p) => [p.x, p.mean! - p.std!, p.mean! + p.std!]),
      z: 1,
    })
  }
  return {
    animation: false,
    grid: GRID,
    tooltip: { trigger: 'item' },
    legend: { top: 0, type: 'scroll', data: curves.map((c) => c.name) },
    xAxis: { type: 'log', name: 'labelled images', nameLocation: 'middle', nameGap: 26, logBase: 10 },
    yAxis: { type: 'value', ...yName(METRIC_LABELS[metric]), scale: true },
    series,
  }
}

/** The ablation grid as a heatmap; each cell shows ours (mean ± std, n) and the paper's value. */
export function heatmapOption(grid: AblationGrid, metric: MetricKey): ChartOption {
  const data = grid.cells.map((c) => ({
    value: [c.col, c.row, c.stats.mean ?? '-'] as [number, number, number | string],
    label: { formatter: cellLabel(c) },
  }))
  return {
    animation: false,
    grid: { left: 118, right: 10, top: 10, bottom: 70 },
    tooltip: { position: 'top' },
    xAxis: { type: 'category', data: grid.cols, name: 'labels', nameLocation: 'middle', nameGap: 26 },
    yAxis: { type: 'category', data: grid.rows, inverse: true, axisLabel: { fontSize: 11 } },
    visualMap: { min: 0, max: 1, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, text: [METRIC_LABELS[metric], ''] },
    series: [{ type: 'heatmap', name: METRIC_LABELS[metric], data, label: { show: true, fontSize: 10, lineHeight: 13 } }],
  }
}

/** Three short lines that fit a cell: "0.612", "±0.010 n=3", "paper 0.650" (or "no runs"). */
export function cellLabel(c: AblationGrid['cells'][number]): string {
  const lines = c.mixed
    ? ['mixed settings', c.mixed.slice(0, 2).join(', ')]
    : c.stats.mean === null
      ? ['no runs']
      : [c.stats.mean.toFixed(3), c.stats.n > 1 ? `±${c.stats.std!.toFixed(3)} n=${c.stats.n}` : 'n=1']
  if (c.paper !== null) lines.push(`paper ${c.paper.toFixed(3)}`)
  return lines.join('\n')
}
