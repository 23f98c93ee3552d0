// Training data as decoded pixels in memory (the dataset service's image cache provides them), turned
// into batch tensors. No decoding happens here: the training loop only copies bytes.
import * as tf from '@tensorflow/tfjs'
import { AppError } from '../../../../shared/errors'
import { BYTES_TO_UNIT, TRIMAP_ONE_HOT } from '../kernels/webgpu/kernel-names'

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

/**
 * A batch in host memory, before it becomes tensors: its bytes, copied as they are (each buffer padded to
 * whole 4-byte words, so that a GPU backend can upload it as int32 and convert it there).
 */
export interface HostBatch {
  /** The images' RGB bytes, concatenated. */
  pixels: Uint8Array
  /** The trimaps' class ids, concatenated (padded like pixels); present when trimaps were asked for. */
  trimaps?: Uint8Array
  indices: number[]
  size: number
}

export function makeBatch(src: ImageSource, indices: number[], withTrimaps: boolean): Batch {
  return batchTensors(prepareBatch(src, indices, withTrimaps))
}

/** The JS half of makeBatch, which the training loop runs while the backend computes a step: byte copies only. */
export function prepareBatch(src: ImageSource, indices: number[], withTrimaps: boolean): HostBatch {
  const s = src.size
  const px = s * s
  const pixels = new Uint8Array(wordAligned(indices.length * px * 3))
  indices.forEach((idx, b) => {
    const img = src.image(idx)
    if (img.length !== px * 3) throw new AppError('BAD_INPUT', `image ${idx} has ${img.length} bytes, expected ${px * 3} (${s}×${s} RGB)`)
    pixels.set(img, b * px * 3)
  })
  return withTrimaps ? { pixels, trimaps: trimapBytes(src, indices), indices, size: s } : { pixels, indices, size: s }
}

/**
 * The batch's tensors. Where the backend has the byte kernels (webgpu), the bytes are uploaded as they
 * are and converted on the device: a quarter of the floats' bytes for images, a twelfth for one-hot
 * trimaps, and no per-pixel work on the host, whose time a GPU step is short of. Elsewhere the host
 * converts them.
 */
export function batchTensors(h: HostBatch): Batch {
  const n = h.indices.length
  const px = h.size * h.size
  const shape: [number, number, number, number] = [n, h.size, h.size, 3]
  const batch: Batch = { x: unitTensor(h.pixels, shape), indices: h.indices }
  if (h.trimaps) {
    batch.ids = h.trimaps.subarray(0, n * px)
    batch.y = bytesOnDevice() ? fromWords(TRIMAP_ONE_HOT, 'ids', h.trimaps, shape) : tf.tensor4d(oneHot(batch.ids), shape)
  }
  return batch
}

/**
 * bytes / 255 as a float32 tensor of `shape`, converted on the device where the backend can (bytes
 * then padded to whole words: wordAligned), else on the host.
 */
export function unitTensor(bytes: Uint8Array, shape: [number, number, number, number]): tf.Tensor4D {
  return bytesOnDevice() ? fromWords(BYTES_TO_UNIT, 'bytes', bytes, shape) : tf.tensor4d(unitFloats(bytes, shape.reduce((a, b) => a * b, 1)), shape)
}

const bytesOnDevice = (): boolean => tf.getKernel(BYTES_TO_UNIT, tf.getBackend()) !== undefined

/** Bytes padded to whole 4-byte words, as unitTensor uploads them. */
export const wordAligned = (bytes: number): number => Math.ceil(bytes / 4) * 4

function fromWords(kernel: string, input: string, bytes: Uint8Array, shape: number[]): tf.Tensor4D {
  return tf.tidy(() => {
    const words = tf.tensor1d(new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4), 'int32')
    return tf.engine().runKernel(kernel, { [input]: words }, { shape }) as tf.Tensor4D
  })
}

function unitFloats(bytes: Uint8Array, n: number): Float32Array {
  const x = new Float32Array(n)
  for (let k = 0; k < n; k++) x[k] = bytes[k]! / 255
  return x
}

function oneHot(ids: Uint8Array): Float32Array {
  const y = new Float32Array(ids.length * 3)
  for (let k = 0; k < ids.length; k++) if (ids[k]! > 0) y[k * 3 + ids[k]! - 1] = 1
  return y
}

function trimapBytes(src: ImageSource, indices: number[]): Uint8Array {
  const px = src.size * src.size
  const ids = new Uint8Array(wordAligned(indices.length * px))
  indices.forEach((idx, b) => {
    const t = src.trimap?.(idx)
    if (!t) throw new AppError('BAD_INPUT', `image ${idx} has no trimap; finetuning needs labelled images`)
    if (t.length !== px) throw new AppError('BAD_INPUT', `trimap ${idx} has ${t.length} bytes, expected ${px}`)
    // Any id above 3 sets a bit of 0xfc: one branch per trimap, not per pixel.
    let high = 0
    for (let k = 0; k < px; k++) high |= t[k]!
    if (high & 0xfc) {
      const k = t.findIndex((c) => c > 3)
      throw new AppError('BAD_INPUT', `trimap ${idx} has class id ${t[k]} at pixel ${k} (expected 0–3)`)
    }
    ids.set(t, b * px)
  })
  return ids
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
