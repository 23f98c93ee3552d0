// Seeded randomness for augmentations, masks, shuffles and subsets: the same seed gives the same
// images, crops and masks on every backend and every run.
import { mulberry32 } from '../../../../shared/prng'

/** Floats in [0, 1) from mulberry32; the xor keeps these streams apart from the demo generator's. */
export function makeRng(seed: number): () => number {
  return mulberry32((Math.floor(seed) >>> 0) ^ 0x9e3779b9)
}

/** A seed derived from a base seed and a few integers (epoch, step…), so streams do not overlap. */
export function deriveSeed(base: number, ...parts: number[]): number {
  let h = Math.floor(base) >>> 0
  for (const p of parts) h = Math.imul(h ^ (Math.floor(p) >>> 0), 0x01000193) + 0x7f4a7c15
  return h >>> 0
}

export function uniform(rng: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * rng()
}

/** In-place Fisher–Yates shuffle. */
export function shuffleInPlace<T>(items: T[] | Int32Array, rng: () => number): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    const t = items[i]!
    items[i] = items[j]!
    items[j] = t
  }
}
