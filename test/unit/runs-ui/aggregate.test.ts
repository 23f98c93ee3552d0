// Mean ± std over seeds and grouping by config fields (only runs identical apart from the seed are
// averaged), on runs whose answers were worked out by hand.
import { describe, expect, it } from 'vitest'
import { configKey, groupRuns, meanStd, metricStats, metricValue, sortGroups } from '../../../src/renderer/src/lib/runs/aggregate'
import { metrics, run } from './fixtures'

describe('meanStd', () => {
  it('gives the mean and the sample standard deviation', () => {
    // mean 5; squared deviations 9+1+1+9 = 20; 20/3 → sqrt = 2.5819888974716
    const s = meanStd([2, 4, 6, 8])
    expect(s.mean).toBe(5)
    expect(s.std).toBeCloseTo(Math.sqrt(20 / 3), 12)
    expect(s.n).toBe(4)
  })
  it('has std 0 for one value and nulls for none; non-finite values are left out', () => {
    expect(meanStd([0.7])).toEqual({ mean: 0.7, std: 0, n: 1 })
    expect(meanStd([])).toEqual({ mean: null, std: null, n: 0 })
    expect(meanStd([1, Number.NaN, 3])).toEqual({ mean: 2, std: Math.SQRT2, n: 2 })
  })
})

describe('groupRuns', () => {
  const runs = [
    run(1, { metrics: metrics(0.6), cfg: { seed: 1 } }),
    run(2, { metrics: metrics(0.7), cfg: { seed: 2 } }),
    run(3, { metrics: metrics(0.5), cfg: { method: 'mae-patch', seed: 1 } }),
    run(4, { status: 'running', cfg: { method: 'mae-patch', seed: 2 } }),
  ]

  it('groups by method with mean ± std of each metric over the runs that have metrics', () => {
    const groups = groupRuns(runs, 'method')
    expect(groups.map((g) => [g.key, g.runs.length, g.measured])).toEqual([
      ['SimCLR', 2, 2],
      ['MAE patch', 2, 1],
    ])
    const simclr = groups[0]!.stats
    expect(simclr.jaccard.mean).toBeCloseTo(0.65, 12)
    expect(simclr.jaccard.std).toBeCloseTo(Math.sqrt(0.005), 12)
    expect(simclr.f1.mean).toBeCloseTo(0.75, 12)
    expect(groups[1]!.stats.jaccard).toEqual({ mean: 0.5, std: 0, n: 1 })
  })

  it('pools seeds with the "same config" key and splits on anything else', () => {
    expect(configKey(runs[0]!)).toBe(configKey(runs[1]!))
    expect(configKey(runs[0]!)).not.toBe(configKey(run(9, { cfg: { frozenEncoder: false } })))
    expect(groupRuns(runs, 'config')).toHaveLength(2)
    expect(groupRuns(runs, 'seed').map((g) => g.key)).toEqual(['1', '2'])
    expect(groupRuns(runs, 'labels').map((g) => g.key)).toEqual(['90 %'])
  })

  it('refuses an unknown field', () => {
    expect(() => groupRuns(runs, 'colour')).toThrow(/unknown group field/)
  })

  it('metricStats ignores runs without metrics', () => {
    expect(metricStats([run(1), run(2, { metrics: metrics(0.4) })]).jaccard).toEqual({ mean: 0.4, std: 0, n: 1 })
  })
})

describe('comparable runs only', () => {
  it('refuses to average runs that differ in more than the seed, and names what differs and each member', () => {
    const mixed = [
      run(1, { metrics: metrics(0.6), cfg: { seed: 1, batchSize: 16 } }),
      run(2, { metrics: metrics(0.7), cfg: { seed: 2, batchSize: 256 } }),
    ]
    const [g] = groupRuns(mixed, 'method')
    expect(g!.mixed!.differing).toEqual(['batch', 'eval batch'])
    expect(g!.mixed!.members.map((m) => m.text)).toEqual(['#1 · batch 16 · test batch 16', '#2 · batch 256 · test batch 256'])
    expect(g!.stats.jaccard).toEqual({ mean: null, std: null, n: 0 })
  })

  it('tells runs scored at another evaluation batch apart, and pools those at the same one', () => {
    const at = (id: number, seed: number, evalBatch?: number) => run(id, { metrics: metrics(0.5 + id / 10, evalBatch ? { evalBatch } : {}), cfg: { seed } })
    expect(groupRuns([at(1, 1, 32), at(2, 2, 32)], 'config')[0]!.mixed).toBeNull()
    // An older run (no evalBatch) was scored at its training batch, 16.
    expect(groupRuns([at(1, 1, 32), at(2, 2)], 'config')[0]!.mixed!.differing).toEqual(['eval batch'])
  })

  it("compares finetunes by their pretraining run's settings too (not its seed), and by split", () => {
    const pre = (id: number, seed: number, batchSize: number) => run(id, { kind: 'pretrain', cfg: { kind: 'pretrain', labels: undefined, seed, batchSize } })
    const fine = (id: number, parentRunId: number, seed: number) => run(id, { parentRunId, metrics: metrics(0.6), cfg: { seed } })
    const same = [pre(1, 1, 384), pre(2, 2, 384), fine(3, 1, 1), fine(4, 2, 2)]
    expect(groupRuns(same.slice(2), 'config', same)).toHaveLength(1)
    expect(groupRuns(same.slice(2), 'config', same)[0]!.mixed).toBeNull()
    const other = [pre(1, 1, 384), pre(2, 2, 16), fine(3, 1, 1), fine(4, 2, 2)]
    expect(groupRuns(other.slice(2), 'method', other)[0]!.mixed!.differing).toEqual(['pretraining batch'])
    expect(configKey(run(5, { cfg: { split: 'paper' } }))).not.toBe(configKey(run(6)))
    expect(configKey(run(6, { cfg: { split: 'official' } }))).toBe(configKey(run(6)))
  })

  it('orders groups by mean foreground IoU, the mixed and unmeasured ones last', () => {
    const runs = [
      run(1, { metrics: metrics(0.9, { foregroundIou: 0 }), cfg: { method: 'mae-none' } }),
      run(2, { metrics: metrics(0.5, { foregroundIou: 0.7 }), cfg: { method: 'simclr' } }),
      run(3, { status: 'running', cfg: { method: 'mae-pixel' } }),
      run(4, { metrics: metrics(0.5, { foregroundIou: 0.4 }), cfg: { method: 'mae-patch' } }),
    ]
    expect(sortGroups(groupRuns(runs, 'method')).map((g) => g.key)).toEqual(['SimCLR', 'MAE patch', 'MAE none', 'MAE pixel'])
  })

  it('reads per-class IoU from the stored iou array, null where a class was absent', () => {
    const m = metrics(0.5, { iou: [0.8, 0.9, null] })
    expect([metricValue(m, 'iouPet'), metricValue(m, 'iouBackground'), metricValue(m, 'iouBorder'), metricValue(null, 'f1')]).toEqual([0.8, 0.9, null, null])
  })
})
