// The paper's Table 1 and Table 2 templates end to end: queued as the Train tab and `queue template`
// queue them (runs:queueMany, K = 3 seeds as the templates default to, paper split), trained by a RunsService, then laid out by the
// compare view's table code — every cell a mean ± std over the seeds, none empty, none mixed.
import { describe, expect, it } from 'vitest'
import { type MeanStd, type TableMetric } from '../../src/renderer/src/lib/runs/aggregate'
import { formatMeanStd } from '../../src/renderer/src/lib/runs/format'
import { type Ours, table1Rows, table2Cells } from '../../src/renderer/src/lib/runs/paper'
import type { PipelineArgs } from '../../src/shared/run-batch'
import { pipelineItems, table1Steps, table2Steps } from '../../src/shared/run-templates'
import { CPU_DEFAULTS, type TrainForm } from '../../src/shared/train-form'
import type { RunSummary } from '../../src/shared/types/runs'
import { useRunsWorld } from './runs-world'

const w = useRunsWorld('paper-tables-')
const K = 3
const form: TrainForm = { ...CPU_DEFAULTS, epochs: 1, imageSize: 32, simclrSize: 16, batchSize: 4, pretrainBatchSize: 8, seed: 7 }

// The form has no channel widths (the app trains the default U-Net); a test narrows the queued configs
// so the 60 runs of both tables (Table 2 reuses Table 1's SimCLR pretrainings) train in about a minute,
// two at a time on one wasm thread each.
const tiny = (items: PipelineArgs[]): PipelineArgs[] =>
  items.map((i) => ({ pretrain: i.pretrain && { ...i.pretrain, channels: [4, 8] }, finetune: { ...i.finetune, channels: [4, 8] } }))

// The cell text PaperTables.vue shows, e.g. "0.412 ± 0.031 (n=3)".
const shown = (s: MeanStd): string => (s.n ? `${formatMeanStd(s.mean, s.std, s.n)} (n=${s.n})` : '—')
const FILLED = new RegExp(`^\\d\\.\\d{3} ± \\d\\.\\d{3} \\(n=${K}\\)$`)

function expectFilled(cell: Ours, metrics: readonly TableMetric[], where: string): void {
  expect(cell.mixed, `${where} is mixed: ${cell.mixed?.differing.join(', ')}`).toBeNull()
  expect(cell.runs, where).toBe(K)
  for (const m of metrics) expect(shown(cell.stats[m]), `${where} ${m}`).toMatch(FILLED)
}

describe('paper table templates, end to end', () => {
  it('trains Table 1 and Table 2 at K = 3 seeds and fills every cell of both tables', async () => {
    const runs = w.service({ maxConcurrent: 2 })
    const t1 = await runs.queueMany(tiny(pipelineItems(table1Steps(form, w.datasetId, K))))
    const t2 = await runs.queueMany(tiny(pipelineItems(table2Steps(form, w.datasetId, K))))
    const finetunes = (q: RunSummary[]) => q.filter((r) => r.kind === 'finetune')
    expect(finetunes(t1)).toHaveLength(4 * K)
    expect(finetunes(t2)).toHaveLength(12 * K)
    // Table 2's SimCLR pretrainings are Table 1's (same seed, split and settings), not trained again.
    expect(t2.filter((r) => r.kind === 'pretrain').every((r) => t1.some((p) => p.id === r.id))).toBe(true)

    runs.start()
    const ids = [...new Set([...t1, ...t2].map((r) => r.id))]
    for (const id of ids) {
      const r = await runs.waitFor(id)
      expect(r.status, `run #${id} ${r.name}: ${r.error ?? ''}`).toBe('done')
    }

    const all = runs.list(w.datasetId)
    const table1 = table1Rows(all)
    expect(table1.map((r) => r.method)).toEqual(['simclr', 'mae-patch', 'mae-pixel', 'mae-none'])
    for (const row of table1) expectFilled(row, ['f1', 'jaccard', 'foregroundIou', 'iouPet', 'iouBackground', 'iouBorder'], `Table 1 ${row.method}`)
    const table2 = table2Cells(all)
    expect(table2).toHaveLength(12)
    for (const cell of table2) expectFilled(cell, ['jaccard', 'foregroundIou'], `Table 2 row ${cell.row} col ${cell.col}`)
    // Different seeds, different labelled subsets and initialisations: a std of exactly 0 everywhere would
    // mean the seeds were one run counted several times.
    expect(table2.some((c) => (c.stats.jaccard.std ?? 0) > 0)).toBe(true)
  }, 240_000)
})
