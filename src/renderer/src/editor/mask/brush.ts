// Round-brush strokes on the mask: the brush, the eraser (the brush painting background) and the
// border-only brush all go through strokeSegment, one capsule per pointer move.
import { TRIMAP_BACKGROUND, TRIMAP_BORDER } from '../../../../shared/trimap'
import type { Mask, Point } from './mask'
import { Bounds, type Rect } from './rect'

/**
 * 'paint' writes every pixel under the brush. 'borderOnly' writes only pixels that are border (3)
 * now, so a user can resolve the unclassified band to pet or background without touching the rest;
 * painting border with it changes nothing.
 */
export type PaintMode = 'paint' | 'borderOnly'

export const MIN_BRUSH = 1
export const MAX_BRUSH = 256

// Pixel centres exactly on the brush edge are decided by this slack, the same way for every call.
const EPS = 1e-9

export function clampBrushSize(size: number): number {
  return Math.min(MAX_BRUSH, Math.max(MIN_BRUSH, Math.round(size)))
}

/**
 * The centre a brush of this diameter really paints around: snapped so that the footprint is the
 * same disc of pixels wherever it lands (odd sizes centre on a pixel, even sizes on a corner).
 */
export function snapBrushCentre(p: Point, size: number): Point {
  const d = clampBrushSize(size)
  return { x: Math.round(p.x - d / 2) + d / 2, y: Math.round(p.y - d / 2) + d / 2 }
}

/**
 * Paints the capsule swept by a disc of diameter `size` from `from` to `to`: every pixel whose centre
 * lies within size/2 of the segment between the snapped centres. A single point is one disc.
 * Returns the rectangle it touched (clipped to the mask).
 */
export function strokeSegment(
  mask: Mask,
  from: Point,
  to: Point,
  size: number,
  value: number,
  mode: PaintMode = 'paint',
): Rect {
  const { data } = mask
  return forEachBrushSpan(mask, from, to, size, (start, end) => {
    if (mode === 'paint') data.fill(value, start, end)
    else for (let i = start; i < end; i++) if (data[i] === TRIMAP_BORDER) data[i] = value
  })
}

/**
 * Calls fn(start, end) with the [start, end) index range of each row of the capsule strokeSegment
 * paints (clipped to the mask), so other brushes share the exact footprint. Returns the rows' bounds.
 */
export function forEachBrushSpan(
  mask: { width: number; height: number },
  from: Point,
  to: Point,
  size: number,
  fn: (start: number, end: number) => void,
): Rect {
  const d = clampBrushSize(size)
  const r = d / 2
  const a = snapBrushCentre(from, d)
  const b = snapBrushCentre(to, d)
  const { width, height } = mask
  const bounds = new Bounds()
  const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - r))
  const y1 = Math.min(height - 1, Math.ceil(Math.max(a.y, b.y) + r))
  for (let y = y0; y <= y1; y++) {
    const span = capsuleSpan(a, b, r, y + 0.5)
    if (!span) continue
    const xs = Math.max(0, Math.ceil(span[0] - 0.5 - EPS))
    const xe = Math.min(width - 1, Math.floor(span[1] - 0.5 + EPS))
    if (xe < xs) continue
    fn(y * width + xs, y * width + xe + 1)
    bounds.addSpan(xs, xe, y)
  }
  return bounds.toRect()
}

/** The eraser: the brush painting background, as STYLE.md asks (not a second engine). */
export function eraseSegment(mask: Mask, from: Point, to: Point, size: number): Rect {
  return strokeSegment(mask, from, to, size, TRIMAP_BACKGROUND, 'paint')
}

/**
 * The x-interval where the horizontal line y = yc crosses the capsule (two end discs plus the
 * swept strip). The capsule is convex, so the union of the three pieces' intervals is one interval.
 */
function capsuleSpan(a: Point, b: Point, r: number, yc: number): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  for (const c of [a, b]) {
    const dy = yc - c.y
    const s2 = r * r - dy * dy
    if (s2 >= 0) {
      const s = Math.sqrt(s2)
      lo = Math.min(lo, c.x - s)
      hi = Math.max(hi, c.x + s)
    }
  }
  const strip = stripSpan(a, b, r, yc)
  if (strip) {
    lo = Math.min(lo, strip[0])
    hi = Math.max(hi, strip[1])
  }
  return lo <= hi ? [lo, hi] : null
}

// Points p with 0 <= (p-a)·u <= L and |(p-a)×u| <= r, on the line y = yc.
function stripSpan(a: Point, b: Point, r: number, yc: number): [number, number] | null {
  const dx = b.x - a.x
  const dy = b.y - a.y
  const len = Math.hypot(dx, dy)
  if (len === 0) return null
  const ux = dx / len
  const uy = dy / len
  const oy = yc - a.y
  const along = linearRange(ux, oy * uy, 0, len)
  const across = linearRange(uy, -oy * ux, -r, r)
  if (!along || !across) return null
  const lo = Math.max(along[0], across[0])
  const hi = Math.min(along[1], across[1])
  return lo <= hi ? [lo + a.x, hi + a.x] : null
}

// The t with m <= k*t + c <= M.
function linearRange(k: number, c: number, m: number, M: number): [number, number] | null {
  if (Math.abs(k) < 1e-12) return c >= m && c <= M ? [-Infinity, Infinity] : null
  const t1 = (m - c) / k
  const t2 = (M - c) / k
  return t1 < t2 ? [t1, t2] : [t2, t1]
}
