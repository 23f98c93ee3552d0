// Training data as decoded pixels in memory (the dataset service's image cache provides them), turned
// into batch tensors. No decoding happens here: the training loop only copies bytes into floats.
import * as tf from '@tensorflow/tfjs'
import { AppError } from '../../../../shared/errors'

export interface ImageSource {
  /** Side of every (square) image in pixels. */
  size: number
  count: number
  /** RGB bytes of image i, row-major, size·size·3. */
  image(i: number): Uint8Array
  /** Trimap class ids of image i (1 pet, 2 background, 3 border, 0 unlabelled), size·size bytes. */
  trimap?(i: number): Uint8Array | null
}

export interface Batch {
  /** [B,S,S,3] in [0,1]. */
  x: tf.Tensor4D
  /** [B,S,S,3] one-hot of the trimap (all zeros where unlabelled); present when trimaps were asked for. */
  y?: tf.Tensor4D
  /** The trimaps' class ids, concatenated, for metrics computed in JS. */
  ids?: Uint8Array
  indices: number[]
}

/** A batch's pixels and targets in host memory, before they become tensors. */
export interface HostBatch {
  x: Float32Array
  y?: Float32Array
  ids?: Uint8Array
  indices: number[]
  size: number
}

export function makeBatch(src: ImageSource, indices: number[], withTrimaps: boolean): Batch {
  return batchTensors(prepareBatch(src, indices, withTrimaps))
}

/** The JS half of makeBatch, which the training loop runs while the backend computes a step. */
export function prepareBatch(src: ImageSource, indices: number[], withTrimaps: boolean): HostBatch {
  const s = src.size
  const px = s * s
  const x = new Float32Array(indices.length * px * 3)
  indices.forEach((idx, b) => {
    const img = src.image(idx)
    if (img.length !== px * 3) throw new AppError('BAD_INPUT', `image ${idx} has ${img.length} bytes, expected ${px * 3} (${s}×${s} RGB)`)
    const off = b * px * 3
    for (let k = 0; k < img.length; k++) x[off + k] = img[k]! / 255
  })
  return withTrimaps ? { x, ...trimapArrays(src, indices), indices, size: s } : { x, indices, size: s }
}

export function batchTensors(h: HostBatch): Batch {
  const shape: [number, number, number, number] = [h.indices.length, h.size, h.size, 3]
  const batch: Batch = { x: tf.tensor4d(h.x, shape), indices: h.indices }
  if (h.y) batch.y = tf.tensor4d(h.y, shape)
  if (h.ids) batch.ids = h.ids
  return batch
}

function trimapArrays(src: ImageSource, indices: number[]): { y: Float32Array; ids: Uint8Array } {
  const s = src.size
  const px = s * s
  const ids = new Uint8Array(indices.length * px)
  const y = new Float32Array(indices.length * px * 3)
  indices.forEach((idx, b) => {
    const t = src.trimap?.(idx)
    if (!t) throw new AppError('BAD_INPUT', `image ${idx} has no trimap; finetuning needs labelled images`)
    if (t.length !== px) throw new AppError('BAD_INPUT', `trimap ${idx} has ${t.length} bytes, expected ${px}`)
    ids.set(t, b * px)
    for (let k = 0; k < px; k++) {
      const c = t[k]!
      if (c > 3) throw new AppError('BAD_INPUT', `trimap ${idx} has class id ${c} at pixel ${k} (expected 0–3)`)
      if (c > 0) y[(b * px + k) * 3 + c - 1] = 1
    }
  })
  return { y, ids }
}

export function disposeBatch(b: Batch): void {
  b.x.dispose()
  b.y?.dispose()
}

/** An in-memory source over arrays (tests, the benchmark, and small demo datasets). */
export function arraySource(size: number, images: Uint8Array[], trimaps?: Uint8Array[]): ImageSource {
  return {
    size,
    count: images.length,
    image: (i) => images[i]!,
    trimap: trimaps ? (i) => trimaps[i] ?? null : undefined,
  }
}
