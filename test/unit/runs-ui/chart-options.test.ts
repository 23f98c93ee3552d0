// Chart option builders: the data the charts draw, checked at the option level (no canvas here).
import { describe, expect, it } from 'vitest'
import type { CustomSeriesOption, HeatmapSeriesOption, LineSeriesOption } from 'echarts/charts'
import {
  cellLabel,
  epochCurvesOption,
  heatmapOption,
  labelsPlotOption,
  lossCurveOption,
} from '../../../src/renderer/src/charts/options'
import { ablationGrid, labelCurves } from '../../../src/renderer/src/lib/runs/ablation'
import { metrics, run } from './fixtures'

const seriesOf = <T>(o: { series?: unknown }) => o.series as T[]

describe('loss and epoch curves', () => {
  it('plots loss points as [step, loss] per run', () => {
    const o = lossCurveOption([{ name: '#3', points: [{ x: 1, loss: 0.9 }, { x: 2, loss: 0.7 }] }])
    expect(seriesOf<LineSeriesOption>(o)[0]).toMatchObject({ type: 'line', name: '#3', data: [[1, 0.9], [2, 0.7]] })
  })
  it('plots a metric per epoch, with a gap where an epoch has no metrics', () => {
    const epochs = [
      { epoch: 1, loss: 0.8, seconds: 10, metrics: null },
      { epoch: 2, loss: 0.6, seconds: 10, metrics: metrics(0.55) },
    ]
    const o = epochCurvesOption([{ name: 'a', epochs }, { name: 'b', epochs: [] }], 'jaccard')
    const s = seriesOf<LineSeriesOption>(o)
    expect(s.map((x) => x.name)).toEqual(['a', 'b'])
    expect(s[0]!.data).toEqual([[1, null], [2, 0.55]])
    expect(seriesOf<LineSeriesOption>(epochCurvesOption([{ name: 'a', epochs }], 'loss'))[0]!.data).toEqual([[1, 0.8], [2, 0.6]])
    expect(o.yAxis).toMatchObject({ name: 'Jaccard' })
  })
})

describe('metric vs labels', () => {
  const runs = [
    run(1, { metrics: metrics(0.5), cfg: { labels: { mode: 'count', count: 10 }, seed: 1 } }),
    run(2, { metrics: metrics(0.6), cfg: { labels: { mode: 'count', count: 10 }, seed: 2 } }),
    run(3, { metrics: metrics(0.7), cfg: { labels: { mode: 'fraction', fraction: 0.5 } } }),
    run(4, { metrics: metrics(0.4), cfg: { method: 'none', labels: { mode: 'count', count: 10 } } }),
    run(5, { status: 'running', cfg: { labels: { mode: 'count', count: 10 } } }),
  ]
  // The fraction run trained on 100 images (its manifest); the others' counts are their budgets.
  const countOf = (r: (typeof runs)[number]) =>
    r.config.labels?.mode === 'count' ? r.config.labels.count : r.id === 3 ? 100 : null
  const curves = labelCurves(runs, 'jaccard', countOf)

  it('draws runs of one method with other settings as their own curve, named by what differs', () => {
    const more = [...runs, run(6, { metrics: metrics(0.9), cfg: { labels: { mode: 'count', count: 10 }, epochs: 40 } })]
    const names = labelCurves(more, 'jaccard', countOf).map((c) => c.name)
    expect(names).toHaveLength(3)
    expect(names.filter((n) => n.startsWith('SimCLR · '))).toHaveLength(2)
    expect(names).toContain('None (from scratch)')
  })
  it('averages seeds at each label count per method, sorted by count', () => {
    expect(curves.map((c) => c.name)).toEqual(['SimCLR', 'None (from scratch)'])
    const simclr = curves[0]!.points
    expect(simclr.map((p) => [p.x, p.n])).toEqual([[10, 2], [100, 1]])
    expect(simclr[0]!.mean).toBeCloseTo(0.55, 12)
    expect(simclr[0]!.std).toBeCloseTo(Math.sqrt(0.005), 12)
  })
  it('draws a mean line and error bars (only where n > 1) on a log axis', () => {
    const o = labelsPlotOption(curves, 'jaccard')
    expect(o.xAxis).toMatchObject({ type: 'log' })
    const s = seriesOf<LineSeriesOption | CustomSeriesOption>(o)
    expect(s.map((x) => x.type)).toEqual(['line', 'custom', 'line', 'custom'])
    const bars = s[1]!.data as number[][]
    expect(bars).toHaveLength(1)
    expect(bars[0]![0]).toBe(10)
    expect(bars[0]![1]).toBeCloseTo(0.55 - Math.sqrt(0.005), 12)
    expect(bars[0]![2]).toBeCloseTo(0.55 + Math.sqrt(0.005), 12)
    expect(s[3]!.data).toEqual([])
  })
})

describe('ablation heatmap', () => {
  const runs = [
    run(1, { metrics: metrics(0.6), cfg: { frozenEncoder: true, skips: true, labels: { mode: 'fraction', fraction: 0.1 } } }),
    run(2, { metrics: metrics(0.64), cfg: { frozenEncoder: true, skips: true, labels: { mode: 'fraction', fraction: 0.1 }, seed: 2 } }),
    run(3, { metrics: metrics(0.7), cfg: { frozenEncoder: false, skips: false, labels: { mode: 'fraction', fraction: 0.9 } } }),
    run(4, { metrics: metrics(0.3), cfg: { method: 'mae-patch', labels: { mode: 'fraction', fraction: 0.9 } } }),
  ]
  const grid = ablationGrid(runs, 'simclr', 'jaccard')

  it('arranges rows as the paper (frozen × skip) and columns by budget, largest first', () => {
    expect(grid.rows).toEqual(['Unfrozen · no skip', 'Unfrozen · skip', 'Frozen · no skip', 'Frozen · skip'])
    expect(grid.cols).toEqual(['90 %', '10 %'])
    const frozenSkip10 = grid.cells.find((c) => c.row === 3 && c.col === 1)!
    expect(frozenSkip10.stats.mean).toBeCloseTo(0.62, 12)
    expect(frozenSkip10.paper).toBe(0.559)
    expect(grid.cells.find((c) => c.row === 0 && c.col === 0)!.paper).toBe(0.706)
  })
  it('does not average a cell whose runs differ in more than the seed, and names what differs', () => {
    const mixed = [...runs, run(5, { metrics: metrics(0.9), cfg: { frozenEncoder: true, skips: true, labels: { mode: 'fraction', fraction: 0.1 }, epochs: 40 } })]
    const cell = ablationGrid(mixed, 'simclr', 'jaccard').cells.find((c) => c.row === 3 && c.col === 1)!
    expect(cell.stats.mean).toBeNull()
    expect(cell.mixed).toEqual(['epochs'])
    expect(cellLabel(cell)).toContain('mixed settings')
    expect(grid.cells.find((c) => c.row === 3 && c.col === 1)!.mixed).toBeNull()
  })
  it('leaves budgets given as image counts out of the grid', () => {
    const withCount = [...runs, run(9, { metrics: metrics(0.5), cfg: { labels: { mode: 'count', count: 20 } } })]
    expect(ablationGrid(withCount, 'simclr', 'jaccard').cols).toEqual(['90 %', '10 %'])
  })
  it('has no paper values for another metric or method', () => {
    expect(ablationGrid(runs, 'simclr', 'f1').cells.every((c) => c.paper === null)).toBe(true)
    expect(ablationGrid(runs, 'mae-patch', 'jaccard').cells.every((c) => c.paper === null)).toBe(true)
  })
  it('turns the grid into heatmap data [col, row, mean] with "-" for empty cells', () => {
    const o = heatmapOption(grid, 'jaccard')
    const data = seriesOf<HeatmapSeriesOption>(o)[0]!.data as { value: unknown[] }[]
    expect(data).toHaveLength(8)
    expect(data.find((d) => d.value[0] === 0 && d.value[1] === 0)!.value[2]).toBe(0.7)
    expect(data.find((d) => d.value[0] === 1 && d.value[1] === 0)!.value[2]).toBe('-')
    expect(o.xAxis).toMatchObject({ data: ['90 %', '10 %'] })
    expect(cellLabel(grid.cells.find((c) => c.row === 3 && c.col === 1)!)).toBe('0.620\n±0.028 n=2\npaper 0.559')
    expect(cellLabel(grid.cells.find((c) => c.row === 1 && c.col === 1)!)).toBe('no runs\npaper 0.602')
    expect(cellLabel(grid.cells.find((c) => c.row === 0 && c.col === 0)!)).toBe('0.700\nn=1\npaper 0.706')
  })
})
