// Experiment templates: the exact run configs of the paper's tables and a sweep, and the items
// 'runs:queueMany' takes (the service shares each pretraining; test/integration/run-batch.test.ts).
import { describe, expect, it } from 'vitest'
import type { RunConfig } from '../../../src/shared/types/runs'
import { describeSteps, parseCounts, pipelineItems, sweepSteps, table1Steps, table2Steps } from '../../../src/shared/run-templates'
import { CPU_DEFAULTS, toConfigs, withPaperSettings } from '../../../src/shared/train-form'

const form = { ...CPU_DEFAULTS, epochs: 3, batchSize: 8, pretrainBatchSize: 8, imageSize: 32, simclrSize: 32, seed: 7 }
const shared = { datasetId: 4, epochs: 3, batchSize: 8, imageSize: 32, simclrSize: 32, learningRate: 0.001, seed: 7 }

const paperSplit = { ...shared, split: 'paper' as const }

describe('Paper Table 1', () => {
  const steps = table1Steps(form, 4)
  it('pretrains each of the four methods and finetunes it frozen, with skips, on 90 % of the paper split', () => {
    expect(steps.map((s) => s.pretrainKey)).toEqual(['simclr#7', 'mae-patch#7', 'mae-pixel#7', 'mae-none#7'])
    expect(steps[0]!.pretrain).toEqual<RunConfig>({
      kind: 'pretrain', method: 'simclr', ...paperSplit, frozenEncoder: false, skips: true, tag: 'Paper Table 1 · SimCLR pretraining',
    })
    expect(steps[1]!.finetune).toEqual<RunConfig>({
      kind: 'finetune', method: 'mae-patch', ...paperSplit, labels: { mode: 'fraction', fraction: 0.9 },
      frozenEncoder: true, skips: true, tag: 'Paper Table 1 · MAE patch',
    })
  })
  it('queues K seeds: K× the runs, each seed with its own pretrainings (its held-out images differ)', () => {
    const three = table1Steps(form, 4, 3)
    expect(three).toHaveLength(3 * steps.length)
    expect(new Set(three.map((s) => s.pretrainKey)).size).toBe(12)
    expect(three.map((s) => s.finetune.seed)).toEqual([7, 7, 7, 7, 8, 8, 8, 8, 9, 9, 9, 9])
    expect(three.every((s) => s.pretrain!.seed === s.finetune.seed && s.finetune.split === 'paper')).toBe(true)
    expect(() => table1Steps(form, 4, 0)).toThrow(/seeds \(K\)/)
  })
})

describe('Paper Table 2', () => {
  const steps = table2Steps(form, 4)
  it('shares one SimCLR pretraining across twelve finetunes: frozen × skip × 90/10/1 %', () => {
    expect(steps).toHaveLength(12)
    expect(new Set(steps.map((s) => s.pretrainKey))).toEqual(new Set(['simclr#7']))
    expect(steps.map((s) => [s.finetune.frozenEncoder, s.finetune.skips, s.finetune.labels])).toEqual(
      [false, true].flatMap((frozen) =>
        [false, true].flatMap((skips) => [0.9, 0.1, 0.01].map((fraction) => [frozen, skips, { mode: 'fraction', fraction }])),
      ),
    )
    expect(steps[5]!.finetune).toEqual<RunConfig>({
      kind: 'finetune', method: 'simclr', ...paperSplit, labels: { mode: 'fraction', fraction: 0.01 },
      frozenEncoder: false, skips: true, tag: 'Paper Table 2 · unfrozen · skip · 1 %',
    })
  })
  it('with K = 3 queues 3 pretrainings and 36 finetunes, one pretraining per seed', () => {
    const three = table2Steps(form, 4, 3)
    expect(three).toHaveLength(36)
    expect([...new Set(three.map((s) => s.pretrainKey))]).toEqual(['simclr#7', 'simclr#8', 'simclr#9'])
  })
})

describe('separate batches', () => {
  it('sends the pretraining batch to pretraining runs and the finetune batch to finetunes', () => {
    const f = { ...form, pretrainBatchSize: 48, batchSize: 12 }
    const { pretrain, finetune } = toConfigs(f, 4)
    expect([pretrain!.batchSize, finetune.batchSize]).toEqual([48, 12])
    const t2 = table2Steps(f, 4)
    expect(t2[0]!.pretrain!.batchSize).toBe(48)
    expect(t2.every((s) => s.finetune.batchSize === 12)).toBe(true)
    const sweep = sweepSteps(f, 4, { method: 'simclr', counts: [5], seeds: 1 })
    expect([sweep[0]!.pretrain!.batchSize, sweep[0]!.finetune.batchSize]).toEqual([48, 12])
  })
  it('a sweep on the paper split pretrains once per seed', () => {
    const steps = sweepSteps({ ...form, split: 'paper' }, 4, { method: 'simclr', counts: [5, 10], seeds: 2 })
    expect(steps.map((s) => [s.pretrainKey, s.pretrain!.seed, s.finetune.seed])).toEqual([
      ['simclr#7', 7, 7], ['simclr#8', 8, 8], ['simclr#7', 7, 7], ['simclr#8', 8, 8],
    ])
  })
})

describe('label-budget sweep', () => {
  it('finetunes every count with K consecutive seeds on one shared pretraining', () => {
    const steps = sweepSteps(form, 4, { method: 'mae-pixel', counts: [10, 50], seeds: 2 })
    expect(steps.map((s) => [s.finetune.labels, s.finetune.seed])).toEqual([
      [{ mode: 'count', count: 10 }, 7],
      [{ mode: 'count', count: 10 }, 8],
      [{ mode: 'count', count: 50 }, 7],
      [{ mode: 'count', count: 50 }, 8],
    ])
    expect(steps.every((s) => s.pretrainKey === 'mae-pixel' && s.pretrain?.seed === 7)).toBe(true)
    expect(steps[3]!.finetune.tag).toBe('Label sweep · MAE pixel · 50 images')
  })
  it('has no pretraining for method "none", and refuses bad input', () => {
    const steps = sweepSteps(form, 4, { method: 'none', counts: [5], seeds: 1 })
    expect(steps).toEqual([expect.objectContaining({ pretrainKey: null, pretrain: null })])
    expect(() => sweepSteps(form, 4, { method: 'simclr', counts: [5], seeds: 0 })).toThrow(/seed/)
    expect(parseCounts('200, 10;50 10')).toEqual([10, 50, 200])
    expect(() => parseCounts('10, ten')).toThrow('"ten" is not a whole number')
    expect(() => parseCounts('  ')).toThrow(/at least one/)
  })
})

describe('pipelineItems', () => {
  it('sends every step with its pretraining config, for the service to share identical ones and reuse finished ones', () => {
    const steps = table2Steps(form, 4)
    const items = pipelineItems(steps)
    expect(items).toHaveLength(12)
    expect(items.every((it, i) => it.pretrain === steps[i]!.pretrain && it.finetune === steps[i]!.finetune && it.reusePretrainRunId === undefined)).toBe(true)
    expect(describeSteps(steps)).toBe('1 pretraining + 12 finetunes')
  })
  it("carries the form's keep choice to every finetune, never to a pretraining", () => {
    const steps = sweepSteps({ ...form, keep: 'best' }, 4, { method: 'simclr', counts: [5, 9], seeds: 1 })
    expect(steps.map((s) => s.finetune.keep)).toEqual(['best', 'best'])
    expect(steps.every((s) => s.pretrain!.keep === undefined)).toBe(true)
  })
})

describe('the paper preset', () => {
  const paper = withPaperSettings(form)

  it("asks for the paper's batches, SimCLR 384 and finetune 256, for planning to fit to the backend", () => {
    const { pretrain, finetune } = toConfigs(paper, 4)
    expect(pretrain).toMatchObject({ kind: 'pretrain', method: 'simclr', batchSize: 384, paperBatch: true, epochs: 20, imageSize: 128, simclrSize: 64, learningRate: 0.001 })
    expect(finetune).toMatchObject({ kind: 'finetune', batchSize: 256, paperBatch: true })
    // MAE pretrains at the finetune's 128 px: the finetune's batch.
    const mae = table1Steps(paper, 4).find((s) => s.pretrain?.method === 'mae-patch')!
    expect(mae.pretrain).toMatchObject({ batchSize: 256, paperBatch: true })
    expect(table2Steps(paper, 4)[0]!.pretrain).toMatchObject({ batchSize: 384, paperBatch: true })
  })

  it('takes a batch typed in afterwards as it is, each field on its own', () => {
    const typed = toConfigs({ ...paper, batchSize: 64 }, 4)
    expect(typed.finetune).toMatchObject({ batchSize: 64 })
    expect(typed.finetune.paperBatch).toBeUndefined()
    expect(typed.pretrain).toMatchObject({ batchSize: 384, paperBatch: true })
    const both = toConfigs({ ...paper, batchSize: 64, pretrainBatchSize: 96 }, 4)
    expect(both.pretrain).toMatchObject({ batchSize: 96 })
    expect(both.pretrain!.paperBatch).toBeUndefined()
  })

  it("uses the paper's split", () => {
    expect(paper.split).toBe('paper')
    expect(toConfigs(paper, 4).finetune.split).toBe('paper')
    expect(toConfigs(form, 4).finetune.split).toBe('official')
  })
})
