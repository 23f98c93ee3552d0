// Our template runs laid out as the paper's tables, next to the paper's numbers.
import { describe, expect, it } from 'vitest'
import { PAPER_TABLE1, PAPER_TABLE2, table1Rows, table2Cells } from '../../../src/renderer/src/lib/runs/paper'
import { metrics, run } from './fixtures'

describe('paper tables', () => {
  it('holds the paper numbers', () => {
    expect(PAPER_TABLE1['mae-patch']).toEqual({ f1: 0.779, jaccard: 0.656 })
    expect(PAPER_TABLE2[2]).toEqual([0.469, 0.65, 0.55])
  })
  it('Table 1 pools tagged finetunes per method; untagged runs and pretraining runs stay out', () => {
    const runs = [
      run(1, { metrics: metrics(0.6), cfg: { tag: 'Paper Table 1 · SimCLR' } }),
      run(2, { metrics: metrics(0.62), cfg: { tag: 'Paper Table 1 · SimCLR', seed: 2 } }),
      run(3, { metrics: metrics(0.9), cfg: { tag: 'something else' } }),
      run(4, { kind: 'pretrain', cfg: { kind: 'pretrain', tag: 'Paper Table 1 · SimCLR pretraining' } }),
    ]
    const rows = table1Rows(runs)
    expect(rows.map((r) => r.method)).toEqual(['simclr', 'mae-patch', 'mae-pixel', 'mae-none'])
    expect(rows[0]!.runs).toBe(2)
    expect(rows[0]!.stats.jaccard.mean).toBeCloseTo(0.61, 12)
    expect(rows[0]!.stats.f1.mean).toBeCloseTo(0.71, 12)
    expect(rows[0]!.stats.foregroundIou.mean).toBeCloseTo(0.61, 12)
    expect(rows[0]!.stats.iouPet.n).toBe(2)
    expect(rows[1]).toMatchObject({ runs: 0, mixed: null, stats: { jaccard: { mean: null, n: 0 } }, paper: { f1: 0.779, jaccard: 0.656 } })
  })
  it('does not average a cell whose runs differ in more than the seed (quick and paper settings)', () => {
    const tag = 'Paper Table 1 · SimCLR'
    const runs = [
      run(1, { metrics: metrics(0.6), cfg: { tag, split: 'paper', epochs: 20 } }),
      run(2, { metrics: metrics(0.3), cfg: { tag, split: 'official', epochs: 5, seed: 2 } }),
    ]
    const row = table1Rows(runs)[0]!
    expect(row.mixed!.differing).toEqual(['split', 'epochs'])
    expect(row.stats.jaccard.n).toBe(0)
  })
  it('Table 2 places each tagged finetune in its frozen × skip × fraction cell', () => {
    const runs = [run(1, { metrics: metrics(0.42), cfg: { tag: 'Paper Table 2 · frozen · skip · 1 %', labels: { mode: 'fraction', fraction: 0.01 } } })]
    const cells = table2Cells(runs)
    expect(cells).toHaveLength(12)
    const hit = cells.filter((c) => c.runs > 0)
    expect(hit).toEqual([expect.objectContaining({ row: 3, col: 2, paper: 0.42, runs: 1 })])
  })
})
