// Is a self-supervised representation collapsing? The spread of its embeddings, its dead bottleneck
// channels, the NT-Xent loss of total collapse, and the verdict. Pure functions on tensors and numbers.
import * as tf from '@tensorflow/tfjs'

/**
 * d-dim unit vectors spread evenly over the sphere have a per-dimension std of 1/√d (their squared
 * coordinates average 1/d); a collapsed representation has 0. Below this fraction of 1/√d is collapse.
 */
export const COLLAPSE_FRACTION = 0.1
/** A SimCLR epoch loss this close to the all-same value means every image gets the same projection. */
export const LOSS_COLLAPSE_TOLERANCE = 1e-3

/** The std of each dimension of the L2-normalised rows of z [N,d] over the N rows, averaged over d. */
export function embeddingStd(z: tf.Tensor2D): number {
  return tf.tidy(() => {
    const zn = tf.div(z, tf.maximum(tf.norm(z, 'euclidean', 1, true), 1e-12))
    const { variance } = tf.moments(zn, 0)
    return tf.mean(tf.sqrt(variance)).dataSync()[0]!
  })
}

/** Fraction of channels of post-ReLU features [N,h,w,C] that are 0 at every position of every image. */
export function deadChannelFraction(features: tf.Tensor4D): number {
  const peak = tf.tidy(() => tf.max(features, [0, 1, 2]).dataSync())
  return peak.filter((v) => v <= 0).length / peak.length
}

/**
 * NT-Xent of a batch of n images (2n views) whose projections are all the same: every similarity is
 * 1/τ, so each view's loss is −1/τ + log((2n−1)·e^{1/τ}) = log(2n−1), whatever the temperature. An
 * epoch's mean loss averages its batches, so collapse shows as the mean of log(2n−1) over them: for
 * 202 images at batch 32 (six batches of 32, one of 10) that is (6·ln 63 + ln 19)/7 ≈ 3.97189, not
 * ln 63 ≈ 4.1431.
 */
export function ntXentAllSame(batchSizes: readonly number[]): number {
  if (batchSizes.length === 0 || batchSizes.some((n) => !(n >= 2))) throw new Error(`NT-Xent batches need at least 2 images, got [${batchSizes.join(', ')}]`)
  return batchSizes.reduce((s, n) => s + Math.log(2 * n - 1), 0) / batchSizes.length
}

export const collapseThreshold = (dim: number): number => COLLAPSE_FRACTION / Math.sqrt(dim)

/** This epoch's numbers look collapsed (the monitor asks for two such epochs in a row before saying so). */
export function isCollapsed(h: { embeddingStd: number; dim: number; meanLoss?: number; allSameLoss?: number | null }): boolean {
  if (h.embeddingStd < collapseThreshold(h.dim)) return true
  return h.allSameLoss != null && h.meanLoss !== undefined && Math.abs(h.meanLoss - h.allSameLoss) < LOSS_COLLAPSE_TOLERANCE
}
