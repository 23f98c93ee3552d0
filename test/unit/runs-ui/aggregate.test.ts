// Mean ± std over seeds and grouping by config fields, on runs whose answers were worked out by hand.
import { describe, expect, it } from 'vitest'
import { configKey, groupRuns, meanStd, metricStats } from '../../../src/renderer/src/lib/runs/aggregate'
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
