// Rasterises the demo pet's parts (ellipses, triangles) into a 0/1 mask, and turns a mask into a
// trimap with the release's values: 1 pet, 2 background, 3 a band on the boundary.
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

/** Rotated ellipse: centre (cx, cy), radii (rx, ry), angle in radians. */
export function fillEllipse(m: Mask, cx: number, cy: number, rx: number, ry: number, angle = 0): void {
  const r = Math.max(rx, ry)
  const [x0, y0, x1, y1] = clampBox(m, cx - r, cy - r, cx + r, cy + r)
  const c = Math.cos(angle)
  const s = Math.sin(angle)
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - cx
      const dy = y + 0.5 - cy
      const u = (dx * c + dy * s) / rx
      const v = (-dx * s + dy * c) / ry
      if (u * u + v * v <= 1) m.data[y * m.width + x] = 1
    }
  }
}

type Pt = readonly [number, number]

export function fillTriangle(m: Mask, a: Pt, b: Pt, c: Pt): void {
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
      if (w0 >= 0 && w1 >= 0 && w2 >= 0) m.data[y * m.width + x] = 1
    }
  }
}

/**
 * Trimap of a mask: a pixel with any 8-neighbour on the other side of the boundary is "border",
 * which makes a band two pixels wide (one each side), as in the release.
 */
export function maskToTrimap(m: Mask): Uint8Array {
  const { width: w, height: h, data } = m
  const border = new Uint8Array(w * h)
  // Visit each neighbour pair once (right, down-left, down, down-right) and mark both ends.
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x
      const v = data[i]
      if (x + 1 < w && data[i + 1] !== v) border[i] = border[i + 1] = 1
      if (y + 1 < h) {
        const j = i + w
        if (data[j] !== v) border[i] = border[j] = 1
        if (x > 0 && data[j - 1] !== v) border[i] = border[j - 1] = 1
        if (x + 1 < w && data[j + 1] !== v) border[i] = border[j + 1] = 1
      }
    }
  }
  const out = new Uint8Array(w * h)
  for (let i = 0; i < out.length; i++) out[i] = border[i] ? TRIMAP_BORDER : data[i] ? TRIMAP_PET : TRIMAP_BACKGROUND
  return out
}
