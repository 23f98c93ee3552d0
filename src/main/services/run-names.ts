// Display names of runs and the test for "this pretraining was already done" (pipeline reuse).
import type { RunConfig } from '../../shared/types/runs'
import { channelsOf } from '../training/worker/models/unet'

/** e.g. "pretrain · simclr · 20 ep" or "finetune · mae-patch · 10% (37) · frozen · no skips". */
export function runName(c: RunConfig, trainCount: number): string {
  if (c.tag) return c.tag
  const parts: string[] = [c.kind, c.method === 'none' ? 'from scratch' : c.method]
  if (c.kind === 'finetune' && c.labels) {
    parts.push(c.labels.mode === 'count' ? `${c.labels.count} labels` : `${+(c.labels.fraction * 100).toFixed(2)}% (${trainCount})`)
    if (c.frozenEncoder) parts.push('frozen')
  }
  if (!c.skips) parts.push('no skips')
  parts.push(`${c.epochs} ep`, `seed ${c.seed}`)
  return parts.join(' · ')
}

/** Two pretraining configs train the same encoder (tag, backend and frozen flag aside), augmentation included. */
export function samePretrainConfig(a: RunConfig, b: RunConfig): boolean {
  const key = (c: RunConfig): string =>
    JSON.stringify([
      c.kind, c.datasetId, c.method, channelsOf(c), c.skips, c.epochs, c.batchSize,
      c.method === 'simclr' ? c.simclrSize : c.imageSize, c.learningRate, c.seed,
      // A run without recorded augmentation used another pipeline: it is not the same pretraining.
      c.augment ?? null,
      // The paper split holds out other images than the official one: another encoder.
      c.split ?? 'official',
    ])
  return key(a) === key(b)
}
