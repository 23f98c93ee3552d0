// Draws one procedural pet photo: a textured background and a pet-like blob (body, head, ears, legs)
// whose colour, pattern and proportions depend on the breed. Pure: same rng state → same pixels.
import type { HeadBox } from '../../../shared/types/dataset'
import type { Breed } from '../breeds'
import { mulberry32, randInt, randRange, type Rng } from './prng'
import { fillEllipse, fillTriangle, maskToTrimap, newMask, type Mask } from './shapes'

export interface PetScene {
  width: number
  height: number
  /** width×height×3 RGB. */
  rgb: Uint8Array
  /** width×height values 1/2/3. */
  trimap: Uint8Array
  headBox: HeadBox
}

type Rgb = [number, number, number]
type Pattern = 'solid' | 'stripes' | 'spots' | 'patches'

interface Style {
  colour: Rgb
  colour2: Rgb
  pattern: Pattern
  aspect: number
  headScale: number
  pointedEars: boolean
}

const PATTERNS: Pattern[] = ['solid', 'stripes', 'spots', 'patches']

/** Fixed per breed, so every image of a breed shares its look. */
export function breedStyle(b: Breed): Style {
  const r = mulberry32(b.classId * 7919)
  const hue = (b.classId * 97) % 360
  return {
    colour: hsl(hue, randRange(r, 0.25, 0.7), randRange(r, 0.3, 0.6)),
    colour2: hsl((hue + 40) % 360, randRange(r, 0.1, 0.5), randRange(r, 0.1, 0.85)),
    pattern: PATTERNS[b.classId % PATTERNS.length]!,
    aspect: randRange(r, 1.2, 1.9),
    headScale: b.species === 'cat' ? randRange(r, 0.8, 0.95) : randRange(r, 0.9, 1.15),
    pointedEars: b.species === 'cat' || b.breedId % 3 === 0,
  }
}

function hsl(h: number, s: number, l: number): Rgb {
  const k = (n: number): number => (n + h / 30) % 12
  const a = s * Math.min(l, 1 - l)
  const f = (n: number): number => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)]
}

/** Smooth noise: a random (g+1)² grid, sampled with bilinear interpolation by sampleNoise. */
interface Noise {
  g: number
  grid: Float32Array
}

function makeNoise(rng: Rng, g: number): Noise {
  return { g, grid: Float32Array.from({ length: (g + 1) * (g + 1) }, () => rng()) }
}

/** u, v in [0,1] → [0,1). A plain function, not a closure: it runs for every pixel. */
function sampleNoise(n: Noise, u: number, v: number): number {
  const { g, grid } = n
  const gx = u * g
  const gy = v * g
  // u, v ≥ 0, so `| 0` floors (and is much cheaper than Math.floor per pixel)
  const i = Math.min(g - 1, gx | 0)
  const j = Math.min(g - 1, gy | 0)
  const fx = gx - i
  const fy = gy - j
  const k = j * (g + 1) + i
  const top = grid[k]! * (1 - fx) + grid[k + 1]! * fx
  const bottom = grid[k + g + 1]! * (1 - fx) + grid[k + g + 2]! * fx
  return top * (1 - fy) + bottom * fy
}

interface Head {
  x: number
  y: number
  r: number
}

function drawShape(m: Mask, style: Style, rng: Rng): Head {
  const unit = Math.min(m.width, m.height)
  const b = unit * randRange(rng, 0.14, 0.19)
  const a = b * style.aspect
  const cx = m.width * randRange(rng, 0.4, 0.6)
  const cy = m.height * randRange(rng, 0.55, 0.65)
  const tilt = randRange(rng, -0.25, 0.25)
  const side = rng() < 0.5 ? -1 : 1
  fillEllipse(m, cx, cy, a, b, tilt)
  for (const f of [-0.6, -0.3, 0.3, 0.6]) fillEllipse(m, cx + a * f, cy + b * 1.05, b * 0.16, b * 0.55)
  const head: Head = { x: cx + side * a * 0.8, y: cy - b * 0.95, r: b * 0.8 * style.headScale }
  fillEllipse(m, head.x, head.y, head.r, head.r * 0.92)
  drawEars(m, head, style.pointedEars)
  // The tail starts inside the (tilted) body so it never floats free of it.
  const [tx, ty] = [-side * a * 0.9, -b * 0.35]
  const [ct, st] = [Math.cos(tilt), Math.sin(tilt)]
  fillEllipse(m, cx + tx * ct - ty * st, cy + tx * st + ty * ct, b * 0.14, b * 0.6, side * 0.6)
  return head
}

function drawEars(m: Mask, h: Head, pointed: boolean): void {
  for (const s of [-1, 1]) {
    if (pointed) {
      const bx = h.x + s * h.r * 0.55
      fillTriangle(m, [bx - h.r * 0.35, h.y - h.r * 0.5], [bx + h.r * 0.35, h.y - h.r * 0.5], [bx + s * h.r * 0.25, h.y - h.r * 1.45])
    } else {
      fillEllipse(m, h.x + s * h.r * 0.95, h.y + h.r * 0.15, h.r * 0.3, h.r * 0.7, -s * 0.3)
    }
  }
}

export function drawPet(breed: Breed, rng: Rng): PetScene {
  const width = randInt(rng, 150, 500)
  const height = randInt(rng, 150, 500)
  const style = breedStyle(breed)
  const mask = newMask(width, height)
  const head = drawShape(mask, style, rng)
  const rgb = paint(mask, style, head, rng)
  const headBox = {
    xmin: clamp(Math.round(head.x - head.r), 0, width - 1),
    ymin: clamp(Math.round(head.y - head.r), 0, height - 1),
    xmax: clamp(Math.round(head.x + head.r), 1, width),
    ymax: clamp(Math.round(head.y + head.r), 1, height),
  }
  return { width, height, rgb, trimap: maskToTrimap(mask), headBox }
}

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v))

interface Painter {
  style: Style
  head: Head
  bg1: Rgb
  bg2: Rgb
  bgNoise: Noise
  furNoise: Noise
  ca: number
  sa: number
  period: number
}

function paint(m: Mask, style: Style, head: Head, rng: Rng): Uint8Array {
  const angle = randRange(rng, 0, Math.PI)
  const p: Painter = {
    style,
    head,
    bg1: hsl(randInt(rng, 0, 359), randRange(rng, 0.05, 0.4), randRange(rng, 0.3, 0.8)),
    bg2: hsl(randInt(rng, 0, 359), randRange(rng, 0.05, 0.4), randRange(rng, 0.2, 0.7)),
    bgNoise: makeNoise(rng, randInt(rng, 3, 7)),
    furNoise: makeNoise(rng, 10),
    ca: Math.cos(angle),
    sa: Math.sin(angle),
    period: randRange(rng, 6, 14),
  }
  // A clamped array rounds and clamps on store: far cheaper per pixel than Math.min/max.
  const out = new Uint8ClampedArray(m.width * m.height * 3)
  let seed = (rng() * 0xffffffff) >>> 0 || 1
  for (let y = 0; y < m.height; y++) {
    for (let x = 0; x < m.width; x++) {
      // xorshift grain: cheaper than a PRNG call per pixel, still deterministic
      seed ^= seed << 13
      seed ^= seed >>> 17
      seed ^= seed << 5
      const i = y * m.width + x
      paintPixel(p, out, i * 3, x, y, m, (((seed >>> 0) % 25) - 12) | 0)
    }
  }
  return new Uint8Array(out.buffer)
}

function paintPixel(p: Painter, out: Uint8ClampedArray, o: number, x: number, y: number, m: Mask, grain: number): void {
  const u = x / m.width
  const v = y / m.height
  let r: number
  let g: number
  let b: number
  if (m.data[y * m.width + x]) {
    const n = sampleNoise(p.furNoise, u, v)
    const base = secondColour(p, x, y, n) ? p.style.colour2 : p.style.colour
    const shade = isEye(x - p.head.x, y - p.head.y, p.head.r) ? 0.08 : 0.85 + n * 0.3
    r = base[0] * shade
    g = base[1] * shade
    b = base[2] * shade
  } else {
    const t = sampleNoise(p.bgNoise, u, v)
    const stripe = fastSin((x * p.sa - y * p.ca) / (p.period * 2)) * 10
    r = p.bg1[0] + (p.bg2[0] - p.bg1[0]) * t + stripe
    g = p.bg1[1] + (p.bg2[1] - p.bg1[1]) * t + stripe
    b = p.bg1[2] + (p.bg2[2] - p.bg1[2]) * t + stripe
  }
  out[o] = r + grain
  out[o + 1] = g + grain
  out[o + 2] = b + grain
}

// A sine table: Math.sin per pixel was the generator's largest cost, and stripes need no precision.
const SIN_STEPS = 4096
const SIN_TABLE = Float32Array.from({ length: SIN_STEPS }, (_, i) => Math.sin((i / SIN_STEPS) * 2 * Math.PI))
const SIN_SCALE = SIN_STEPS / (2 * Math.PI)

function fastSin(t: number): number {
  return SIN_TABLE[((t * SIN_SCALE) | 0) & (SIN_STEPS - 1)]!
}

function isEye(dx: number, dy: number, r: number): boolean {
  const ey = dy + r * 0.15
  const ex = Math.abs(dx) - r * 0.38
  return ex * ex + ey * ey < (r * 0.12) ** 2
}

/** Where the breed's pattern shows its second colour. */
function secondColour(p: Painter, x: number, y: number, n: number): boolean {
  switch (p.style.pattern) {
    case 'stripes':
      return fastSin(((x * p.ca + y * p.sa) / p.period) * Math.PI) > 0.35
    case 'spots':
      return n > 0.68
    case 'patches':
      return n > 0.55
    default:
      return false
  }
}
