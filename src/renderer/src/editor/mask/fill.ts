// Region fills: 4-connected flood fill (scanline, iterative: a 1000×1000 region needs no recursion)
// and even-odd polygon fill. Both return the rectangle they touched.
import type { Mask, Point } from './mask'
import { Bounds, EMPTY_RECT, type Rect } from './rect'

/** Replaces the 4-connected region of equal value around (x, y) with `value`. */
export function floodFill(mask: Mask, px: number, py: number, value: number): Rect {
  const { width, height, data } = mask
  const x0 = Math.floor(px)
  const y0 = Math.floor(py)
  if (x0 < 0 || y0 < 0 || x0 >= width || y0 >= height) return { ...EMPTY_RECT }
  const target = data[y0 * width + x0]!
  if (target === value) return { ...EMPTY_RECT }
  const bounds = new Bounds()
  // Seeds as packed pixel indices: one number each, no per-seed object.
  const stack: number[] = [y0 * width + x0]
  while (stack.length > 0) {
    const seed = stack.pop()!
    if (data[seed] !== target) continue
    const y = Math.floor(seed / width)
    const row = y * width
    let l = seed - row
    let r = l
    while (l > 0 && data[row + l - 1] === target) l--
    while (r < width - 1 && data[row + r + 1] === target) r++
    data.fill(value, row + l, row + r + 1)
    bounds.addSpan(l, r, y)
    if (y > 0) pushRuns(data, row - width, l, r, target, stack)
    if (y < height - 1) pushRuns(data, row + width, l, r, target, stack)
  }
  return bounds.toRect()
}

// One seed per run of target pixels in columns l..r of the row starting at rowStart.
function pushRuns(data: Uint8Array, rowStart: number, l: number, r: number, target: number, stack: number[]): void {
  let inRun = false
  for (let x = l; x <= r; x++) {
    if (data[rowStart + x] === target) {
      if (!inRun) stack.push(rowStart + x)
      inRun = true
    } else {
      inRun = false
    }
  }
}

/**
 * Fills a polygon (image coordinates, closed implicitly) by the even-odd rule: a pixel is inside
 * when its centre is. Fewer than three points fill nothing.
 */
export function fillPolygon(mask: Mask, points: readonly Point[], value: number): Rect {
  if (points.length < 3) return { ...EMPTY_RECT }
  const { width, height, data } = mask
  let minY = Infinity
  let maxY = -Infinity
  for (const p of points) {
    minY = Math.min(minY, p.y)
    maxY = Math.max(maxY, p.y)
  }
  const bounds = new Bounds()
  const xs: number[] = []
  const yStart = Math.max(0, Math.floor(minY))
  const yEnd = Math.min(height - 1, Math.ceil(maxY))
  for (let y = yStart; y <= yEnd; y++) {
    crossings(points, y + 0.5, xs)
    const row = y * width
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const a = Math.max(0, Math.ceil(xs[k]! - 0.5))
      const b = Math.min(width - 1, Math.ceil(xs[k + 1]! - 0.5) - 1)
      if (b < a) continue
      data.fill(value, row + a, row + b + 1)
      bounds.addSpan(a, b, y)
    }
  }
  return bounds.toRect()
}

// Sorted x where the polygon's edges cross y = yc (half-open rule: a vertex counts once).
function crossings(points: readonly Point[], yc: number, out: number[]): void {
  out.length = 0
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!
    const q = points[(i + 1) % points.length]!
    if (p.y <= yc !== q.y <= yc) out.push(p.x + ((yc - p.y) * (q.x - p.x)) / (q.y - p.y))
  }
  out.sort((a, b) => a - b)
}
