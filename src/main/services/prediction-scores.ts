// How the review queues score a prediction: disagreement with a stored trimap, and nearest-neighbour
// upsampling of a model-size prediction to the image's own size. Pure functions, no tfjs.
import sharp from 'sharp'
import { AppError } from '../../shared/errors'
import type { Trimap } from '../../shared/trimap'

/**
 * 1 − mean IoU between two trimaps of the same size, over the classes (1/2/3) present in either
 * (a class absent from both says nothing and is skipped). 0 = identical, 1 = no pixel agrees.
 * Pixels 0 (unlabelled) in the truth are ignored, as in training.
 */
export function disagreement(pred: Uint8Array, truth: Uint8Array): number {
  if (pred.length !== truth.length) throw new AppError('BAD_INPUT', `prediction has ${pred.length} pixels, the trimap ${truth.length}`)
  const inter = [0, 0, 0, 0]
  const union = [0, 0, 0, 0]
  for (let k = 0; k < pred.length; k++) {
    const t = truth[k]!
    if (t === 0) continue
    const p = pred[k]!
    if (p === t) {
      inter[t]!++
      union[t]!++
    } else {
      union[t]!++
      union[p]!++
    }
  }
  let sum = 0
  let n = 0
  for (let c = 1; c <= 3; c++) {
    if (union[c]! === 0) continue
    sum += inter[c]! / union[c]!
    n++
  }
  return n === 0 ? 0 : 1 - sum / n
}

/** A size×size prediction scaled (nearest neighbour) to width×height. */
export async function upsampleNearest(ids: Uint8Array, size: number, width: number, height: number): Promise<Trimap> {
  if (width === size && height === size) return { width, height, data: Uint8Array.from(ids) }
  const out = await sharp(Buffer.from(ids.buffer, ids.byteOffset, ids.byteLength), { raw: { width: size, height: size, channels: 1 } })
    .resize(width, height, { kernel: 'nearest', fit: 'fill' })
    .toColourspace('b-w')
    .raw()
    .toBuffer({ resolveWithObject: true })
  if (out.info.channels !== 1 || out.data.length !== width * height) {
    throw new AppError('INTERNAL', `upsampling gave ${out.info.channels} channels and ${out.data.length} bytes for ${width}×${height}`)
  }
  return { width, height, data: new Uint8Array(out.data) }
}
