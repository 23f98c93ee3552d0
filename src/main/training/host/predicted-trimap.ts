// A prediction at the model's size made a trimap at the image's own size (nearest neighbour) and saved
// as the release's PNG: the one upsampler and writer behind the Review tab's predictions, the
// predictions export and `cli eval`, so all three write the same bytes for the same prediction.
import sharp from 'sharp'
import { AppError } from '../../../shared/errors'
import type { Trimap } from '../../../shared/trimap'
import { encodeTrimapPng, writeFileAtomicSync } from '../../dataset/trimap-file'

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

/**
 * Saves one image's size×size class ids as `file` at the image's size (the model's when unknown),
 * written whole or not at all; returns the trimap written.
 */
export async function savePrediction(file: string, classes: Uint8Array, size: number, image: { width: number | null; height: number | null }): Promise<Trimap> {
  const trimap = await upsampleNearest(classes, size, image.width ?? size, image.height ?? size)
  writeFileAtomicSync(file, encodeTrimapPng(trimap))
  return trimap
}
