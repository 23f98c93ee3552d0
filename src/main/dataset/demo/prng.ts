// Seeding for the demo dataset (mulberry32, shared), so it is byte-for-byte reproducible from its seed.
import type { Rng } from '../../../shared/prng'

export { mulberry32, type Rng } from '../../../shared/prng'

/** A seed for one item derived from the dataset seed, so items do not depend on generation order. */
export function deriveSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0
  return (h ^ (h >>> 16)) >>> 0
}

export function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1))
}

export function randRange(rng: Rng, lo: number, hi: number): number {
  return lo + rng() * (hi - lo)
}
