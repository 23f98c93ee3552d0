// The demo pet's silhouette: body, legs, tail, head, ears and snout drawn from the breed's traits
// into a mask of part ids, which the painter uses for coat patterns that follow anatomy (Siamese points).
import { randRange, type Rng } from './prng'
import { fillBlob, fillCapsule, fillEllipse, fillTriangle, type Mask } from './shapes'
import type { Traits } from './traits'

export const PART = { body: 1, leg: 2, tail: 3, head: 4, ear: 5, snout: 6 } as const

export interface Head {
  x: number
  y: number
  r: number
}

/** Where the pet stands: body centre, half-length a, half-height b, tilt, and which way it faces. */
export interface Pose {
  cx: number
  cy: number
  a: number
  b: number
  cos: number
  sin: number
  side: number
  head: Head
}

export function placePet(w: number, h: number, t: Traits, rng: Rng): Pose {
  const unit = Math.min(w, h)
  // Keep the whole pet roughly inside the frame (long breeds are drawn a little smaller), except in
  // close-ups, which crop the rear as photos of pets often do.
  const zoom = rng() < 0.25 ? randRange(rng, 1.3, 1.6) : 1
  const b = (zoom * unit * randRange(rng, 0.13, 0.19)) / Math.max(1, t.aspect / 1.7)
  const a = b * t.aspect
  const tilt = randRange(rng, -0.2, 0.2)
  const side = rng() < 0.5 ? -1 : 1
  const cx = w * randRange(rng, 0.42, 0.58) - (zoom > 1 ? side * a * 0.35 : 0)
  const cy = h * randRange(rng, 0.5, 0.6)
  const cos = Math.cos(tilt)
  const sin = Math.sin(tilt)
  const [hx, hy] = along(cx, cy, cos, sin, side * a * 0.85, -b * 0.7)
  return { cx, cy, a, b, cos, sin, side, head: { x: hx, y: hy - b * 0.4, r: b * t.head } }
}

/** A point at (u along the body axis, v across it) from (cx, cy). */
function along(cx: number, cy: number, cos: number, sin: number, u: number, v: number): [number, number] {
  return [cx + u * cos - v * sin, cy + u * sin + v * cos]
}

export function drawSilhouette(m: Mask, p: Pose, t: Traits): void {
  const { cx, cy, a, b, cos, sin, side } = p
  drawTail(m, p, t)
  const tufts = 24 + Math.round(t.fluff * 40)
  // Far legs first, slightly shorter (further away), then the body, then near legs over it.
  drawLeg(m, p, t, -0.55, 0.92)
  drawLeg(m, p, t, 0.6, 0.92)
  fillBlob(m, cx, cy, a, b, Math.atan2(sin, cos), t.fluff * 0.5, tufts, PART.body)
  drawLeg(m, p, t, -0.72, 1)
  drawLeg(m, p, t, 0.45, 1)
  // The neck joins the body's front to the head.
  const [nx, ny] = along(cx, cy, cos, sin, side * a * 0.7, -b * 0.3)
  fillCapsule(m, nx, ny, p.head.x, p.head.y, b * 0.5 * (1 + t.fluff), PART.body)
  drawHead(m, p.head, side, t, tufts)
}

function drawLeg(m: Mask, p: Pose, t: Traits, f: number, k: number): void {
  const [lx, ly] = along(p.cx, p.cy, p.cos, p.sin, p.side * p.a * f, p.b * 0.5)
  const len = p.b * (0.5 + t.legs) * k
  const lw = p.b * t.legWidth * (1 + t.fluff)
  fillCapsule(m, lx, ly, lx + p.side * p.b * 0.05, ly + len, lw, PART.leg)
  fillEllipse(m, lx + p.side * lw * 0.5, ly + len, lw * 1.3, lw * 0.8, 0, PART.leg)
}

function drawTail(m: Mask, p: Pose, t: Traits): void {
  const { cx, cy, a, b, cos, sin, side } = p
  let [x, y] = along(cx, cy, cos, sin, -side * a * 0.85, -b * 0.3)
  // Start pointing back and a little up, then bend by `curl` over the tail's length.
  let dir = side > 0 ? Math.PI + 0.5 : -0.5
  const steps = 6
  const step = (b * t.tail * 1.3) / steps
  const r = b * t.tailWidth
  for (let i = 0; i < steps; i++) {
    dir += (side * t.curl) / steps
    const nx = x + Math.cos(dir) * step
    const ny = y + Math.sin(dir) * step
    fillCapsule(m, x, y, nx, ny, r * (1 - (i / steps) * 0.5), PART.tail)
    x = nx
    y = ny
  }
}

function drawHead(m: Mask, h: Head, side: number, t: Traits, tufts: number): void {
  const floppy = t.ears === 'floppy'
  if (!floppy) drawEars(m, h, t)
  fillBlob(m, h.x, h.y, h.r, h.r * 0.92, 0, t.fluff * 0.4, Math.round(tufts * 0.6), PART.head)
  const len = h.r * t.snout
  fillEllipse(m, h.x + side * (h.r * 0.55 + len * 0.5), h.y + h.r * 0.25, h.r * 0.35 + len * 0.5, h.r * 0.4, side * 0.1, PART.snout)
  if (floppy) drawEars(m, h, t)
}

function drawEars(m: Mask, h: Head, t: Traits): void {
  const s = t.earSize
  for (const k of [-1, 1]) {
    if (t.ears === 'pointed') {
      const bx = h.x + k * h.r * 0.5
      const tip: [number, number] = [bx + k * h.r * 0.22 * s, h.y - h.r * (0.5 + 0.75 * s)]
      fillTriangle(m, [bx - h.r * 0.3 * s, h.y - h.r * 0.45], [bx + h.r * 0.3 * s, h.y - h.r * 0.55], tip, PART.ear)
    } else if (t.ears === 'round') {
      fillEllipse(m, h.x + k * h.r * 0.6, h.y - h.r * 0.75, h.r * 0.3 * s, h.r * 0.3 * s, 0, PART.ear)
    } else if (t.ears === 'folded') {
      fillEllipse(m, h.x + k * h.r * 0.75, h.y - h.r * 0.7, h.r * 0.32 * s, h.r * 0.22 * s, k * 0.6, PART.ear)
    } else {
      // Floppy ears hang beside the head; their length is the breed's (a basset's reach the ground).
      const len = h.r * 0.6 * s
      fillEllipse(m, h.x + k * h.r * 0.85, h.y + len * 0.45, h.r * 0.28, len, -k * 0.15, PART.ear)
    }
  }
}

/** Eyes and nose: dark features at fixed places of the head, returned as circles to paint. */
export function faceFeatures(h: Head, side: number, t: Traits): [number, number, number][] {
  const eyeR = h.r * 0.11
  const nose = h.r * (0.78 + t.snout)
  return [
    [h.x + side * h.r * 0.1 - h.r * 0.32, h.y - h.r * 0.1, eyeR],
    [h.x + side * h.r * 0.1 + h.r * 0.32, h.y - h.r * 0.1, eyeR],
    [h.x + side * nose, h.y + h.r * 0.15, h.r * 0.12],
  ]
}
