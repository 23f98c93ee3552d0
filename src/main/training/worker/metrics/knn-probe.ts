// A cheap label probe of frozen features: 1-nearest-neighbour label transfer between images of the
// health batch, scored as foreground IoU. No training (a linear probe would need its own optimiser).
import * as tf from '@tensorflow/tfjs'

/** Trimap class id of background; pet (1) and border (3) count as foreground, as in foreground IoU. */
const BACKGROUND = 2

/**
 * features [k,s,s,C] of k labelled images; trimaps: their class ids at size×size. Even images are the
 * references, odd ones the queries: each query cell takes the label (foreground when at least half its
 * pixels are) of the most cosine-similar reference cell, its pixels get that label, and the IoU of
 * predicted against true foreground is pooled over the queries' pixels (0 when both are empty).
 */
export function knnForegroundIou(features: tf.Tensor4D, trimaps: readonly Uint8Array[], size: number): number {
  const [k, s, , c] = features.shape
  if (k < 2 || trimaps.length !== k) throw new Error(`the probe needs ≥ 2 images with one trimap each, got ${k} and ${trimaps.length}`)
  const refs = Array.from({ length: Math.ceil(k / 2) }, (_, i) => 2 * i)
  const queries = Array.from({ length: Math.floor(k / 2) }, (_, i) => 2 * i + 1)
  const nearest = tf.tidy(() => {
    const flat = tf.reshape(features, [k, s * s, c])
    const pick = (idx: number[]): tf.Tensor2D => {
      const rows = tf.reshape(tf.gather(flat, tf.tensor1d(idx, 'int32')), [idx.length * s * s, c])
      return tf.div(rows, tf.maximum(tf.norm(rows, 'euclidean', 1, true), 1e-12)) as tf.Tensor2D
    }
    return tf.argMax(tf.matMul(pick(queries), pick(refs), false, true), 1).dataSync()
  })
  const cellOf = (p: number): number => Math.floor((Math.floor(p / size) * s) / size) * s + Math.floor(((p % size) * s) / size)
  const refFg = refs.flatMap((r) => cellForeground(trimaps[r]!, size, s, cellOf))
  let tp = 0
  let union = 0
  queries.forEach((q, qi) => {
    const t = trimaps[q]!
    for (let p = 0; p < size * size; p++) {
      const pred = refFg[nearest[qi * s * s + cellOf(p)]!]!
      const truth = t[p] !== BACKGROUND
      if (pred && truth) tp++
      if (pred || truth) union++
    }
  })
  return union === 0 ? 0 : tp / union
}

/** Per cell of the s×s grid: is at least half of it foreground? */
function cellForeground(trimap: Uint8Array, size: number, s: number, cellOf: (p: number) => number): boolean[] {
  const fg = new Float64Array(s * s)
  const all = new Float64Array(s * s)
  for (let p = 0; p < size * size; p++) {
    const cell = cellOf(p)
    all[cell]! += 1
    if (trimap[p] !== BACKGROUND) fg[cell]! += 1
  }
  return Array.from(fg, (v, i) => all[i]! > 0 && v >= all[i]! / 2)
}
