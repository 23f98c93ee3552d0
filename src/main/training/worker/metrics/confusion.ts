// Confusion counts of predicted vs true trimap classes, the raw material of every segmentation metric.
// Class ids are the release's 1 = pet, 2 = background, 3 = border; 0 (unlabelled) pixels are skipped.
import * as tf from '@tensorflow/tfjs'

export const NUM_CLASSES = 3

/** matrix[t * 3 + p] = pixels of true class t+1 predicted as p+1. */
export interface Confusion {
  matrix: Float64Array
}

export function emptyConfusion(): Confusion {
  return { matrix: new Float64Array(NUM_CLASSES * NUM_CLASSES) }
}

/** Adds one image's (or batch's) pixels: pred and truth hold class ids 1..3, truth 0 = ignore. */
export function addToConfusion(c: Confusion, pred: ArrayLike<number>, truth: ArrayLike<number>): void {
  if (pred.length !== truth.length) throw new Error(`prediction has ${pred.length} pixels, truth ${truth.length}`)
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!
    if (t === 0) continue
    const p = pred[i]!
    if (t < 1 || t > NUM_CLASSES || p < 1 || p > NUM_CLASSES) throw new Error(`class id out of range at pixel ${i}: true ${t}, predicted ${p}`)
    c.matrix[(t - 1) * NUM_CLASSES + (p - 1)]! += 1
  }
}

export function mergeConfusion(into: Confusion, other: Confusion): void {
  for (let i = 0; i < into.matrix.length; i++) into.matrix[i]! += other.matrix[i]!
}

/** Per-class true positives, false positives and false negatives. */
export function classCounts(c: Confusion, cls: number): { tp: number; fp: number; fn: number } {
  const k = cls - 1
  let fp = 0
  let fn = 0
  for (let j = 0; j < NUM_CLASSES; j++) {
    if (j === k) continue
    fp += c.matrix[j * NUM_CLASSES + k]!
    fn += c.matrix[k * NUM_CLASSES + j]!
  }
  return { tp: c.matrix[k * NUM_CLASSES + k]!, fp, fn }
}

/** Class ids 1..3 of the most probable class per pixel of probs [N,H,W,3]. */
export async function predictedClassIds(probs: tf.Tensor4D): Promise<Int32Array> {
  const ids = tf.tidy(() => tf.add(tf.argMax(probs, -1), 1))
  try {
    return (await ids.data()) as Int32Array
  } finally {
    ids.dispose()
  }
}
