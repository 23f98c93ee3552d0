// Turns mask bytes into RGBA overlay pixels for a rectangle (the part putImageData repaints).
// Pure: the Uint32 output is the ImageData buffer viewed as one word per pixel.
import { TRIMAP_CLASSES, TRIMAP_COLOURS } from '../../../../shared/trimap'
import type { Mask } from '../mask/mask'
import type { Rect } from '../mask/rect'

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1

/** One RGBA word per byte value: class colours opaque, anything else (0, bad values) transparent. */
export function buildClassLut(): Uint32Array {
  const lut = new Uint32Array(256)
  for (const c of TRIMAP_CLASSES) {
    const [r, g, b] = TRIMAP_COLOURS[c]
    lut[c] = LITTLE_ENDIAN
      ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0
      : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0
  }
  return lut
}

/** Writes rect of the mask into out (rect.w × rect.h words, row-major). */
export function maskRectToRgba(mask: Mask, rect: Rect, lut: Uint32Array, out: Uint32Array): void {
  if (out.length < rect.w * rect.h) throw new RangeError('overlay buffer smaller than the rect')
  const { width, data } = mask
  let o = 0
  for (let y = rect.y; y < rect.y + rect.h; y++) {
    let i = y * width + rect.x
    const end = i + rect.w
    while (i < end) out[o++] = lut[data[i++]!]!
  }
}

/**
 * The prediction overlay's look, distinct from the label overlay's flat fill: pixels on a class
 * boundary (a 4-neighbour of another class) take the full colour, the inside a faint tint of it.
 * Writes the whole mask into out (width × height words).
 */
export function predictionToRgba(mask: Mask, lut: Uint32Array, out: Uint32Array, interiorAlpha = 64): void {
  const { width, height, data } = mask
  if (out.length < width * height) throw new RangeError('overlay buffer smaller than the prediction')
  const alphaShift = LITTLE_ENDIAN ? 24 : 0
  const faint = (word: number): number => ((word & ~(0xff << alphaShift)) | (interiorAlpha << alphaShift)) >>> 0
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x
      const v = data[i]!
      const edge =
        (x > 0 && data[i - 1] !== v) ||
        (x < width - 1 && data[i + 1] !== v) ||
        (y > 0 && data[i - width] !== v) ||
        (y < height - 1 && data[i + width] !== v)
      const word = lut[v]!
      out[i] = edge || word === 0 ? word : faint(word)
    }
  }
}
