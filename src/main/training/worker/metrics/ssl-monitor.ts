// Measures a pretraining run's SSL health after each epoch on one fixed batch of images (the same ones
// every epoch, never augmented or masked): embedding spread, dead bottleneck channels, label probe.
import * as tf from '@tensorflow/tfjs'
import { HEALTH_BATCH, type SslHealth } from '../../../../shared/training-protocol'
import { deriveSeed } from '../augment/random'
import { disposeBatch, type ImageSource, makeBatch } from '../data/source'
import { labelledSubset } from '../data/sampling'
import type { Objective } from '../objectives'
import { knnForegroundIou } from './knn-probe'
import { collapseThreshold, deadChannelFraction, embeddingStd, isCollapsed, ntXentAllSame } from './ssl-health'

export interface HealthInput {
  source: ImageSource
  indices: number[]
}

export interface HealthMonitor {
  /** Health after an epoch of mean loss `meanLoss` over batches of `batchSizes` images. */
  measure(meanLoss: number, batchSizes: readonly number[]): SslHealth
  dispose(): void
}

/** A seeded, fixed choice of up to HEALTH_BATCH training images (when no labelled batch was sent). */
export function healthIndices(trainIndices: number[], seed: number): number[] {
  return labelledSubset(trainIndices, { count: Math.min(HEALTH_BATCH, new Set(trainIndices).size) }, deriveSeed(seed, 0x4ea17)).indices
}

/** The encoder's deepest ConvRelu (enc_conv<L−1>): its output is the bottleneck, after its ReLU. */
function bottleneckLayer(model: tf.LayersModel): tf.layers.Layer {
  const convs = model.layers.filter((l) => /^enc_conv\d+$/.test(l.name))
  if (convs.length === 0) throw new Error(`model "${model.name}" has no encoder to measure`)
  return convs.reduce((a, b) => (Number(b.name.slice(8)) > Number(a.name.slice(8)) ? b : a))
}

/**
 * SimCLR: embeddingStd of the projections; MAE: of the global-average-pooled bottleneck features (its
 * loss has no collapse value). Dead channels and the probe use the bottleneck in both cases.
 */
export function makeHealthMonitor(model: tf.LayersModel, objective: Objective, input: HealthInput): HealthMonitor {
  if (objective.kind === 'segment') throw new Error('SSL health is measured while pretraining, not finetuning')
  const simclr = objective.kind === 'simclr'
  const bottleneck = bottleneckLayer(model).output as tf.SymbolicTensor
  const probe = tf.model({ inputs: model.inputs, outputs: simclr ? [bottleneck, model.outputs[0]!] : [bottleneck] })
  const batch = makeBatch(input.source, input.indices, false)
  const x = simclr ? tf.tidy(() => tf.image.resizeBilinear(batch.x, [objective.viewSize, objective.viewSize])) : batch.x
  const trimaps = input.indices.map((i) => input.source.trimap?.(i) ?? null)
  const labelled = trimaps.every((t) => t !== null && t.some((v) => v > 0)) && trimaps.length >= 2
  // One low epoch is not collapse: an untrained encoder starts with near-identical projections and a
  // loss near the all-same value, and recovers within an epoch. Two in a row is what a collapsed run
  // shows (the demo's stayed at 3.9718). MAE is never judged: its reconstruction loss has no collapsed
  // solution, and its pooled features start nearly equal for several epochs before they spread.
  let lowBefore = false
  return {
    measure(meanLoss, batchSizes) {
      const outs = probe.predict(x) as tf.Tensor | tf.Tensor[]
      const [features, z] = (Array.isArray(outs) ? outs : [outs]) as [tf.Tensor4D, tf.Tensor2D | undefined]
      try {
        const emb = z ?? (tf.mean(features, [1, 2]) as tf.Tensor2D)
        const std = embeddingStd(emb)
        const dim = emb.shape[1]
        if (!z) emb.dispose()
        const allSameLoss = simclr ? ntXentAllSame(batchSizes) : null
        const low = simclr && isCollapsed({ embeddingStd: std, dim, meanLoss, allSameLoss })
        const collapsed = low && lowBefore
        lowBefore = low
        return {
          embeddingStd: std,
          stdThreshold: collapseThreshold(dim),
          deadChannels: deadChannelFraction(features),
          probe: labelled ? knnForegroundIou(features, trimaps as Uint8Array[], input.source.size) : null,
          allSameLoss,
          collapsed,
        }
      } finally {
        features.dispose()
        z?.dispose()
      }
    },
    dispose() {
      if (x !== batch.x) x.dispose()
      disposeBatch(batch)
    },
  }
}
