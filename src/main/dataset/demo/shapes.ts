// Rasterises the demo pet's parts (ellipses, furry blobs, capsules, triangles, rectangles) into a mask
// of part ids, and turns a mask into a trimap with the release's values: 1 pet, 2 background, 3 a band.
import { TRIMAP_BACKGROUND, TRIMAP_BORDER, TRIMAP_PET } from '../../../shared/trimap'

export interface Mask {
  width: number
  height: number
  data: Uint8Array
}

export function newMask(width: number, height: number): Mask {
  return { width, height, data: new Uint8Array(width * height) }
}

function clampBox(m: Mask, x0: number, y0: number, x1: number, y1: number): [number, number, number, number] {
  return [Math.max(0, Math.floor(x0)), Math.max(0, Math.floor(y0)), Math.min(m.width - 1, Math.ceil(x1)), Math.min(m.height - 1, Math.ceil(y1))]
}

/** Rotated ellipse: centre (cx, cy), radii (rx, ry), angle in radians; its pixels are set to value. */
export function fillEllipse(m: Mask, cx: number, cy: number, rx: number, ry: number, angle = 0, value = 1): void {
  fillBlob(m, cx, cy, rx, ry, angle, 0, 0, value)
}

/**
 * An ellipse whose outline carries `tufts` (an integer) bumps of relative height `fuzz`: long fur seen against
 * the background. fuzz = 0 is a plain ellipse.
 */
export function fillBlob(m: Mask, cx: number, cy: number, rx: number, ry: number, angle: number, fuzz: number, tufts: number, value = 1): void {
  const r = Math.max(rx, ry) * (1 + fuzz)
  const [x0, y0, x1, y1] = clampBox(m, cx - r, cy - r, cx + r, cy + r)
  const c = Math.cos(angle)
  const s = Math.sin(angle)
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx
      const dy = y + 0.5 - cy
      const u = (dx * c + dy * s) / rx
      const v = (-dx * s + dy * c) / ry
      const d = u * u + v * v
      if (d > (1 + fuzz) * (1 + fuzz)) continue
      // Inside the plain ellipse every pixel is in, tufts or not: skip the atan2.
      if (d <= 1) {
        m.data[y * m.width + x] = value
        continue
      }
      // A triangle wave over the angle: pointed tufts rather than a smooth wobble.
      const edge = fuzz === 0 ? 1 : 1 + fuzz * Math.abs((((Math.atan2(v, u) / Math.PI + 1) * tufts) % 2) - 1)
      if (d <= edge * edge) m.data[y * m.width + x] = value
    }
  }
}

/** A thick segment with round ends from (ax, ay) to (bx, by), radius r. */
export function fillCapsule(m: Mask, ax: number, ay: number, bx: number, by: number, r: number, value = 1): void {
  const [x0, y0, x1, y1] = clampBox(m, Math.min(ax, bx) - r, Math.min(ay, by) - r, Math.max(ax, bx) + r, Math.max(ay, by) + r)
  const ex = bx - ax
  const ey = by - ay
  const len2 = ex * ex + ey * ey || 1
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5 - ax
      const py = y + 0.5 - ay
      const t = Math.max(0, Math.min(1, (px * ex + py * ey) / len2))
      const dx = px - t * ex
      const dy = py - t * ey
      if (dx * dx + dy * dy <= r * r) m.data[y * m.width + x] = value
    }
  }
}

export function fillRect(m: Mask, x0: number, y0: number, x1: number, y1: number, value = 1): void {
  const [a, b, c, d] = clampBox(m, x0, y0, x1 - 1, y1 - 1)
  for (let y = b; y <= d; y++) m.data.fill(value, y * m.width + a, y * m.width + c + 1)
}

type Pt = readonly [number, number]

export function fillTriangle(m: Mask, a: Pt, b: Pt, c: Pt, value = 1): void {
  const [x0, y0, x1, y1] = clampBox(
    m,
    Math.min(a[0], b[0], c[0]),
    Math.min(a[1], b[1], c[1]),
    Math.max(a[0], b[0], c[0]),
    Math.max(a[1], b[1], c[1]),
  )
  const edge = (p: Pt, q: Pt, x: number, y: number): number => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0])
  const area = edge(a, b, c[0], c[1])
  if (area === 0) return
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5
      const py = y + 0.5
      const w0 = edge(b, c, px, py) * area
      const w1 = edge(c, a, px, py) * area
      const w2 = edge(a, b, px, py) * area
      if (w0 >= 0 && w1 >= 0 && w2 >= 0) m.data[y * m.width + x] = value
    }
  }
}

/**
 * Trimap of a mask (any non-zero value is pet): a pixel with any 8-neighbour on the other side of the boundary is "border",
 * which makes a band two pixels wide (one each side), as in the release.
 */
export function maskToTrimap(m: Mask): Uint8Array {
  const { width: w, height: h, data } = m
  const border = new Uint8Array(w * h)
  // Visit each neighbour pair once (right, down-left, down, down-right) and mark both ends.
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x
      const v = data[i]! > 0
      if (x + 1 < w && data[i + 1]! > 0 !== v) border[i] = border[i + 1] = 1
      if (y + 1 < h) {
        const j = i + w
        if (data[j]! > 0 !== v) border[i] = border[j] = 1
        if (x > 0 && data[j - 1]! > 0 !== v) border[i] = border[j - 1] = 1
        if (x + 1 < w && data[j + 1]! > 0 !== v) border[i] = border[j + 1] = 1
      }
    }
  }
  const out = new Uint8Array(w * h)
  // Locals, not the imported names, in the per-pixel loop (imports are getters under tsx).
  const [pet, bg, band] = [TRIMAP_PET, TRIMAP_BACKGROUND, TRIMAP_BORDER]
  for (let i = 0; i < out.length; i++) out[i] = border[i] ? band : data[i] ? pet : bg
  return out
}
