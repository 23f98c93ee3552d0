// The CLI's readable run summary: a pretraining's last SSL health, shouted when it collapsed, and the
// augmentation it applied.
import { describe, expect, it } from 'vitest'
import { formatRun } from '../../../src/main/cli/training-output'
import { PAPER_SIMCLR_AUGMENT, type SslHealth } from '../../../src/shared/training-protocol'
import type { RunDetail } from '../../../src/shared/types/runs'

const health = (over: Partial<SslHealth>): SslHealth => ({
  embeddingStd: 0.05, stdThreshold: 0.0088, deadChannels: 0.25, probe: null, allSameLoss: 3.9719, collapsed: false, ...over,
})
const pretrain = (h: SslHealth): RunDetail => ({
  id: 3, name: 'pretrain', kind: 'pretrain', status: 'done', parentRunId: null, backend: 'wasm', queuePosition: null,
  createdAt: '2026-01-01T00:00:00Z', startedAt: null, finishedAt: null, progress: null, metrics: null, lastLoss: 3.9718, error: null,
  config: {
    kind: 'pretrain', datasetId: 1, method: 'simclr', frozenEncoder: false, skips: true, epochs: 1, batchSize: 32,
    imageSize: 64, simclrSize: 64, learningRate: 0.001, seed: 1, augment: PAPER_SIMCLR_AUGMENT,
  },
  epochs: [{ epoch: 1, loss: 3.9718, seconds: 1, metrics: null, health: h }],
  manifest: { train: [], eval: [] }, backendReport: null, checkpointDir: null,
})

describe('formatRun', () => {
  it('prints the health of the last epoch and the augmentation', () => {
    const text = formatRun(pretrain(health({ probe: 0.41 })), false)
    expect(text).toContain('  health: embedding std 0.0500, dead channels 25.0%, probe foreground IoU 0.4100 (epoch 1)')
    expect(text).toContain('jitter p=0.8 (b 0.8, c 0.8, s 0.8, h 0.2, random order), grayscale p=0')
  })

  it('says COLLAPSED when the representation collapsed', () => {
    const text = formatRun(pretrain(health({ embeddingStd: 0.0002, deadChannels: 163 / 256, collapsed: true })), false)
    expect(text).toMatch(/COLLAPSED: embedding std 0\.0002, dead channels 63\.7% \(epoch 1\)/)
  })
})
