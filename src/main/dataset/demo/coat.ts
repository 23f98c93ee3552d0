// Paints a coat (the breed's pattern in the animal's own body frame, so its scale follows the animal,
// plus fur streaks and form shading) onto a mask's pixels, for the pet and the furry distractors.
import * as noise from './noise'
import type { Rgb } from './palette'
import { PART, type Pose } from './pet'
import { randInt, randRange, type Rng } from './prng'
import type { Mask } from './shapes'
import type { CoatKind, Traits } from './traits'

type Noise = noise.Noise
// Per-pixel helpers as module locals: under tsx and vitest every use of an imported name is a getter call.
const { fastSin, hash2, ifloor, makeTiledNoise, sampleTiled } = noise
const { body: BODY, leg: LEG, tail: TAIL, head: HEAD, ear: EAR, snout: SNOUT } = PART

interface CoatPainter {
  kind: CoatKind
  scale: number
  ca: number
  sa: number
  noise: Noise
  fur: Noise
  furAmp: number
  furLength: number
  salt: number
  /** Offsets into the noise so two animals of a breed get different patch layouts. */
  ou: number
  ov: number
}

export interface Coat {
  base: Rgb
  second: Rgb
}

function makePainter(t: Traits, rng: Rng): CoatPainter {
  return {
    kind: t.coat,
    scale: t.scale,
    ca: Math.cos(t.angle),
    sa: Math.sin(t.angle),
    noise: makeTiledNoise(rng, 8),
    fur: makeTiledNoise(rng, 16),
    furAmp: t.fur,
    furLength: t.furLength,
    salt: randInt(rng, 1, 0x7fffffff),
    ou: randRange(rng, 0, 8),
    ov: randRange(rng, 0, 8),
  }
}

/** Paints every pixel where `m` is non-zero (`only`: just that value) into the RGB float buffer. */
export function paintCoat(buf: Float32Array, m: Mask, pose: Pose, t: Traits, coat: Coat, rng: Rng, only = 0): void {
  const c = makePainter(t, rng)
  // Wrinkles and curls are shading of the base colour itself, not a second colour.
  const shadeOnly = t.coat === 'wrinkles' || t.coat === 'curls'
  const s = shadeOnly ? coat.base.map((v) => v * 0.55) : coat.second
  const { base } = coat
  const { width: w, height: h, data } = m
  const inv = 1 / pose.b
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x
      const part = data[i]!
      if (part === 0 || (only !== 0 && part !== only)) continue
      const dx = x - pose.cx
      const dy = y - pose.cy
      // Body frame in half-heights, mirrored so that +u always points to the head.
      const u = (dx * pose.cos + dy * pose.sin) * inv * pose.side
      const v = (-dx * pose.sin + dy * pose.cos) * inv
      const p = patternAt(c, u, v, part)
      const streak = sampleTiled(c.fur, (u * pose.b) / (3 * c.furLength), (v * pose.b) / 1.5) - 0.5
      // Form shading: a lit back, a darker belly and legs.
      const form = (v < -0.6 ? 1.08 : v > 0.3 ? 1.05 - 0.22 * (v - 0.3) : 1) * (1 + c.furAmp * 2 * streak)
      const k = form < 0.55 ? 0.55 : form
      const o = i * 3
      buf[o] = (base[0] + (s[0]! - base[0]) * p) * k
      buf[o + 1] = (base[1] + (s[1]! - base[1]) * p) * k
      buf[o + 2] = (base[2] + (s[2]! - base[2]) * p) * k
    }
  }
}

/** 0 = base colour, 1 = second colour. */
function patternAt(c: CoatPainter, u: number, v: number, part: number): number {
  switch (c.kind) {
    case 'stripes':
      return stripe(c, u, v, 0.6, 0.1)
    case 'brindle':
      return stripe(c, u, v, 2.2, 0.45)
    case 'spots':
      return cell(c, u, v, 0.27, 0)
    case 'rosettes':
      return cell(c, u, v, 0.4, 0.55)
    case 'patches':
      return sampleTiled(c.noise, u / c.scale + c.ou, v / c.scale + c.ov) > 0.56 ? 1 : 0
    case 'ticked':
      // Flecks longer than wide, along the fur: roan and agouti coats, not a chequerboard.
      return hash2(ifloor(u / (c.scale * 2.5) + 0.5 * ifloor(v / c.scale)), ifloor(v / c.scale), c.salt) * 0.85
    case 'points':
      return part === EAR || part === SNOUT || part === TAIL ? 1 : part === LEG ? (v > 1.1 ? 1 : 0.4) : part === HEAD ? 0.3 : 0
    case 'saddle':
      return saddle(c, u, v, part)
    case 'wrinkles':
      return Math.abs(fastSin(((v + 0.8 * sampleTiled(c.noise, u * 1.5, v)) / c.scale) * Math.PI)) < 0.2 && part !== LEG ? 0.8 : 0
    case 'curls':
      return curl(c, u, v)
    default:
      return 0
  }
}

function stripe(c: CoatPainter, u: number, v: number, warp: number, cut: number): number {
  const t = (u * c.ca + v * c.sa) / c.scale + warp * sampleTiled(c.noise, u * 1.5 + c.ou, v * 1.5)
  return fastSin(t * 2 * Math.PI) > cut ? 1 : 0
}

/** A jittered grid of discs (spots) or rings with a paler centre (rosettes); some cells stay empty. */
function cell(c: CoatPainter, u: number, v: number, radius: number, hole: number): number {
  const su = u / c.scale + c.ou
  const sv = v / c.scale + c.ov
  const i = ifloor(su)
  const j = ifloor(sv)
  const h = hash2(i, j, c.salt)
  if (h < 0.15) return 0
  const ex = su - (i + 0.5 + (h - 0.5) * 0.4)
  const ey = sv - (j + 0.5 + (hash2(j, i, c.salt) - 0.5) * 0.4)
  const d = ex * ex + ey * ey
  const r = radius * (0.8 + 0.4 * h)
  if (d > r * r) return 0
  return d < r * r * hole * hole ? 0.35 : 1
}

function saddle(c: CoatPainter, u: number, v: number, part: number): number {
  if (part === EAR) return 1
  if (part !== BODY && part !== TAIL) return 0
  return v < -0.1 + 0.5 * (sampleTiled(c.noise, u + c.ou, 0.5) - 0.5) && u < 1.1 ? 1 : 0
}

/** Tight rings in each cell of a grid: the loops of a curly coat. */
function curl(c: CoatPainter, u: number, v: number): number {
  const su = u / c.scale + c.ou
  const sv = v / c.scale + c.ov
  const ex = su - ifloor(su) - 0.5
  const ey = sv - ifloor(sv) - 0.5
  return fastSin(Math.sqrt(ex * ex + ey * ey) * 5 * Math.PI + hash2(ifloor(su), ifloor(sv), c.salt) * 6) > 0.3 ? 0.6 : 0
}
