// Cheap deterministic noise for the demo painter: smooth value noise, an integer hash for cellular
// patterns and a sine table. Everything here runs per pixel, so no closures and no Math.floor.
import type { Rng } from './prng'

/** Smooth noise: a random (g+1)² grid, sampled with bilinear interpolation by sampleNoise. */
export interface Noise {
  g: number
  grid: Float32Array
}

export function makeNoise(rng: Rng, g: number): Noise {
  const grid = new Float32Array((g + 1) * (g + 1))
  for (let i = 0; i < grid.length; i++) grid[i] = rng()
  return { g, grid }
}

/** u, v in [0,1] → [0,1). */
export function sampleNoise(n: Noise, u: number, v: number): number {
  const g = n.g
  const gx = (u < 0 ? 0 : u > 1 ? 1 : u) * g
  const gy = (v < 0 ? 0 : v > 1 ? 1 : v) * g
  // gx, gy ≥ 0, so `| 0` floors (and is much cheaper than Math.floor per pixel)
  const i = Math.min(g - 1, gx | 0)
  const j = Math.min(g - 1, gy | 0)
  const fx = gx - i
  const fy = gy - j
  const k = j * (g + 1) + i
  const grid = n.grid
  const top = grid[k]! * (1 - fx) + grid[k + 1]! * fx
  const bottom = grid[k + g + 1]! * (1 - fx) + grid[k + g + 2]! * fx
  return top * (1 - fy) + bottom * fy
}

/** Like makeNoise, but the last row and column repeat the first so sampleTiled wraps without a seam. */
export function makeTiledNoise(rng: Rng, g: number): Noise {
  const n = makeNoise(rng, g)
  for (let j = 0; j <= g; j++) n.grid[j * (g + 1) + g] = n.grid[j * (g + 1)]!
  for (let i = 0; i <= g; i++) n.grid[g * (g + 1) + i] = n.grid[i]!
  return n
}

/** Noise that wraps (period g in both axes), for textures laid out in unbounded coordinates. */
export function sampleTiled(n: Noise, x: number, y: number): number {
  const g = n.g
  // Shift into positive range before flooring; textures never reach −4096 cells.
  const gx = x + 4096
  const gy = y + 4096
  const ix = gx | 0
  const iy = gy | 0
  const fx = gx - ix
  const fy = gy - iy
  const i0 = ix % g
  const j0 = iy % g
  const i1 = i0 + 1
  const row0 = j0 * (g + 1)
  const row1 = row0 + g + 1
  const grid = n.grid
  const top = grid[row0 + i0]! * (1 - fx) + grid[row0 + i1]! * fx
  const bottom = grid[row1 + i0]! * (1 - fx) + grid[row1 + i1]! * fx
  return top * (1 - fy) + bottom * fy
}

/** A hash of two integers and a salt to [0,1): per-cell randomness without storing cells. */
export function hash2(x: number, y: number, salt: number): number {
  let h = (Math.imul(x, 0x27d4eb2d) ^ Math.imul(y, 0x165667b1) ^ salt) >>> 0
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296
}

// A sine table: Math.sin per pixel was the generator's largest cost, and textures need no precision.
const SIN_STEPS = 4096
const SIN_TABLE = Float32Array.from({ length: SIN_STEPS }, (_, i) => Math.sin((i / SIN_STEPS) * 2 * Math.PI))
const SIN_SCALE = SIN_STEPS / (2 * Math.PI)

export function fastSin(t: number): number {
  return SIN_TABLE[((t * SIN_SCALE) | 0) & (SIN_STEPS - 1)]!
}

/** Floor that is cheap for the moderate magnitudes textures use. */
export function ifloor(t: number): number {
  const i = t | 0
  return t < i ? i - 1 : i
}
