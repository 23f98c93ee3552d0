// Masks of the masked autoencoder (§2.4): 20-px square patches, single pixels, or none; 75 % of the
// image blacked out. Built as seeded bytes, then applied on the backend.
import * as tf from '@tensorflow/tfjs'
import { unitTensor, wordAligned } from '../data/source'
import { makeRng, shuffleInPlace } from './random'

export type MaskKind = 'patch' | 'pixel' | 'none'

export interface MaskConfig {
  kind: MaskKind
  /** Fraction of pixels to black out (paper: 0.75). */
  ratio: number
  /** Patch side in pixels (paper: 20). */
  patch: number
}

export const PAPER_MASK: Omit<MaskConfig, 'kind'> = { ratio: 0.75, patch: 20 }

/** n masks of size×size, 1 = masked; pixel masks hit exactly round(ratio·size²) pixels. */
export function makeMasks(n: number, size: number, cfg: MaskConfig, seed: number): Float32Array {
  return Float32Array.from(maskBytes(n, size, cfg, seed, 1).subarray(0, n * size * size))
}

/** The masks as bytes, `on` where masked, padded to whole words (unitTensor's input). */
function maskBytes(n: number, size: number, cfg: MaskConfig, seed: number, on: number): Uint8Array {
  if (!(cfg.ratio >= 0 && cfg.ratio <= 1)) throw new Error(`mask ratio must be in [0, 1], got ${cfg.ratio}`)
  const out = new Uint8Array(wordAligned(n * size * size))
  if (cfg.kind === 'none') return out
  const rng = makeRng(seed)
  for (let i = 0; i < n; i++) {
    const one = out.subarray(i * size * size, (i + 1) * size * size)
    if (cfg.kind === 'pixel') pixelMask(one, size, cfg.ratio, rng, on)
    else patchMask(one, size, cfg, rng, on)
  }
  return out
}

function pixelMask(m: Uint8Array, size: number, ratio: number, rng: () => number, on: number): void {
  const order = Int32Array.from({ length: size * size }, (_, i) => i)
  shuffleInPlace(order, rng)
  const k = Math.round(ratio * size * size)
  for (let j = 0; j < k; j++) m[order[j]!] = on
}

/**
 * The image is tiled by patch×patch squares (the last row/column clipped at the border); squares are
 * taken in random order until at least ratio of the pixels are masked.
 */
function patchMask(m: Uint8Array, size: number, cfg: MaskConfig, rng: () => number, on: number): void {
  const cells = Math.ceil(size / cfg.patch)
  const order = Array.from({ length: cells * cells }, (_, i) => i)
  shuffleInPlace(order, rng)
  const target = Math.round(cfg.ratio * size * size)
  let masked = 0
  for (const cell of order) {
    if (masked >= target) break
    const y0 = Math.floor(cell / cells) * cfg.patch
    const x0 = (cell % cells) * cfg.patch
    for (let y = y0; y < Math.min(y0 + cfg.patch, size); y++) {
      for (let x = x0; x < Math.min(x0 + cfg.patch, size); x++) m[y * size + x] = on
      masked += Math.min(x0 + cfg.patch, size) - x0
    }
  }
}

/** x [N,S,S,C] → { input: x with masked pixels black, mask [N,S,S,1] }. */
export function applyMask(x: tf.Tensor4D, cfg: MaskConfig, seed: number): { input: tf.Tensor4D; mask: tf.Tensor4D } {
  const [n, h, w] = x.shape
  if (h !== w) throw new Error(`masks need square images, got ${h}×${w}`)
  // 255 / 255 is exactly 1: the mask crosses to the device as bytes, as a batch's images do.
  const mask = unitTensor(maskBytes(n, h, cfg, seed, 255), [n, h, w, 1])
  const input = tf.tidy(() => tf.mul(x, tf.sub(1, mask)) as tf.Tensor4D)
  return { input, mask }
}
