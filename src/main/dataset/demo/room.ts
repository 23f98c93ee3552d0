// The demo photo's background: a wall and a floor (or foliage and grass outdoors) with their own
// textures, furniture-like boxes and a soft shadow under the pet. Writes into an RGB float buffer.
import * as noise from './noise'
import { randomColour, type Rgb } from './palette'
import { randInt, randRange, type Rng } from './prng'

type Noise = noise.Noise
// Per-pixel helpers as module locals: under tsx and vitest every use of an imported name is a getter call.
const { fastSin, hash2, makeNoise, makeTiledNoise, sampleNoise, sampleTiled } = noise

type Surface = 'plain' | 'wallpaper' | 'tiles' | 'planks' | 'carpet' | 'grass' | 'foliage'

interface Layer {
  kind: Surface
  colour: Rgb
  colour2: Rgb
  period: number
  noise: Noise
  salt: number
}

function layer(rng: Rng, kinds: Surface[], sat: [number, number], light: [number, number]): Layer {
  const kind = kinds[randInt(rng, 0, kinds.length - 1)]!
  const green = kind === 'grass' || kind === 'foliage'
  const colour = green ? ([randInt(rng, 40, 90), randInt(rng, 90, 150), randInt(rng, 30, 70)] as Rgb) : randomColour(rng, sat, light)
  return {
    kind,
    colour,
    colour2: randomColour(rng, sat, [light[0] * 0.6, light[1] * 0.9]),
    period: randRange(rng, 6, 24),
    noise: makeTiledNoise(rng, 8),
    salt: randInt(rng, 1, 0x7fffffff),
  }
}

/** Fills the whole buffer with a wall above a floor, or foliage above grass. */
export function paintRoom(buf: Float32Array, w: number, h: number, rng: Rng): void {
  const outdoor = rng() < 0.3
  const top = outdoor ? layer(rng, ['foliage'], [0, 0], [0, 0]) : layer(rng, ['plain', 'wallpaper', 'tiles'], [0.05, 0.45], [0.35, 0.85])
  const bottom = outdoor ? layer(rng, ['grass'], [0, 0], [0, 0]) : layer(rng, ['planks', 'tiles', 'carpet'], [0.05, 0.4], [0.25, 0.75])
  const horizon = h * randRange(rng, 0.3, 0.62)
  const glow = makeNoise(rng, randInt(rng, 2, 5))
  const t = new Float32Array(w)
  for (let y = 0; y < h; y++) {
    const l = y < horizon ? top : bottom
    // Floors recede: their texture shrinks towards the horizon.
    const depth = y < horizon ? 1 : 0.45 + (0.55 * (y - horizon)) / (h - horizon)
    surfaceRow(l, y < horizon ? y : (y - horizon) / depth, 1 / depth, t)
    const [r0, g0, b0] = l.colour
    const [dr, dg, db] = [l.colour2[0] - r0, l.colour2[1] - g0, l.colour2[2] - b0]
    let k = 1
    for (let x = 0; x < w; x++) {
      // The glow varies over a third of the image at least: sampling it every 4th pixel is invisible.
      if ((x & 3) === 0) k = 0.8 + 0.4 * sampleNoise(glow, x / w, y / h)
      const o = (y * w + x) * 3
      const tx = t[x]!
      buf[o] = (r0 + dr * tx) * k
      buf[o + 1] = (g0 + dg * tx) * k
      buf[o + 2] = (b0 + db * tx) * k
    }
  }
}

/**
 * How much of a surface's second colour shows along one row (0–1 into t), at texture row y with
 * x scaled by sx. One switch per row, not per pixel, and row constants hoisted.
 */
function surfaceRow(l: Layer, y: number, sx: number, t: Float32Array): void {
  const p = l.period
  const n = t.length
  if (l.kind === 'wallpaper') {
    for (let x = 0; x < n; x++) t[x] = fastSin(((x * sx) / p) * Math.PI) > 0.6 ? 0.6 : 0.1 * sampleTiled(l.noise, (x * sx) / 40, y / 40)
  } else if (l.kind === 'tiles') {
    const q = p * 2.5
    const rowEdge = y % q < 1.5
    for (let x = 0; x < n; x++) t[x] = rowEdge || (x * sx) % q < 1.5 ? 0.9 : 0.25 * hash2(((x * sx) / q) | 0, (y / q) | 0, l.salt)
  } else if (l.kind === 'planks') {
    const row = (y / p) | 0
    const edge = y % p < 1.2
    const tone = 0.5 * hash2(row, 0, l.salt)
    for (let x = 0; x < n; x++) t[x] = edge ? 0.95 : tone + 0.35 * sampleTiled(l.noise, (x * sx) / 60 + row * 3.1, y / 3)
  } else if (l.kind === 'carpet') {
    for (let x = 0; x < n; x++) t[x] = 0.35 * hash2((x * sx) | 0, y | 0, l.salt) + 0.4 * sampleTiled(l.noise, (x * sx) / 25, y / 25)
  } else if (l.kind === 'grass') {
    for (let x = 0; x < n; x++) t[x] = 0.6 * sampleTiled(l.noise, (x * sx) / 2.5, y / 14) + 0.3 * hash2((x * sx) | 0, (y / 3) | 0, l.salt)
  } else if (l.kind === 'foliage') {
    for (let x = 0; x < n; x++) t[x] = sampleTiled(l.noise, x / 18, y / 18) > 0.5 ? 0.7 : 0.2 * hash2((x / 4) | 0, (y / 4) | 0, l.salt)
  } else {
    for (let x = 0; x < n; x++) t[x] = 0.3 * sampleTiled(l.noise, (x * sx) / 50, y / 50)
  }
}

/** Furniture-like boxes against the left or right side: a face lit from above with a dark edge. */
export function paintFurniture(buf: Float32Array, w: number, h: number, rng: Rng): void {
  const n = randInt(rng, 1, 3)
  for (let k = 0; k < n; k++) {
    const bw = w * randRange(rng, 0.15, 0.45)
    const bh = h * randRange(rng, 0.15, 0.5)
    const left = rng() < 0.5
    const x0 = Math.round(left ? randRange(rng, -0.1, 0.15) * w : w - bw - randRange(rng, -0.1, 0.15) * w)
    const y0 = Math.round(randRange(rng, 0.05, 0.75) * h)
    const colour = randomColour(rng, [0.1, 0.5], [0.2, 0.7])
    box(buf, w, h, x0, y0, Math.round(bw), Math.round(bh), colour)
  }
}

function box(buf: Float32Array, w: number, h: number, x0: number, y0: number, bw: number, bh: number, c: Rgb): void {
  for (let y = Math.max(0, y0); y < Math.min(h, y0 + bh); y++) {
    // Lit from above: the face darkens downwards.
    const shade = 1.1 - (0.35 * (y - y0)) / bh
    for (let x = Math.max(0, x0); x < Math.min(w, x0 + bw); x++) {
      const edge = x - x0 < 2 || x0 + bw - x <= 2 || y - y0 < 2 || y0 + bh - y <= 2
      const k = edge ? 0.45 : shade
      const o = (y * w + x) * 3
      buf[o] = c[0] * k
      buf[o + 1] = c[1] * k
      buf[o + 2] = c[2] * k
    }
  }
}

/** A soft dark ellipse on the ground under the pet. */
export function paintShadow(buf: Float32Array, w: number, h: number, cx: number, cy: number, rx: number, ry: number): void {
  const x0 = Math.max(0, Math.floor(cx - rx))
  const x1 = Math.min(w - 1, Math.ceil(cx + rx))
  const y0 = Math.max(0, Math.floor(cy - ry))
  const y1 = Math.min(h - 1, Math.ceil(cy + ry))
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = (x - cx) / rx
      const dy = (y - cy) / ry
      const d = dx * dx + dy * dy
      if (d >= 1) continue
      const k = 0.55 + 0.45 * d
      const o = (y * w + x) * 3
      buf[o]! *= k
      buf[o + 1]! *= k
      buf[o + 2]! *= k
    }
  }
}
