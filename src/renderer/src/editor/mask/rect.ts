// Axis-aligned pixel rectangles: every mask operation returns the one it touched, so the view repaints
// and the history records only that part.
export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

export const EMPTY_RECT: Readonly<Rect> = Object.freeze({ x: 0, y: 0, w: 0, h: 0 })

export function isEmptyRect(r: Rect): boolean {
  return r.w <= 0 || r.h <= 0
}

export function unionRect(a: Rect, b: Rect): Rect {
  if (isEmptyRect(a)) return { ...b }
  if (isEmptyRect(b)) return { ...a }
  const x = Math.min(a.x, b.x)
  const y = Math.min(a.y, b.y)
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y }
}

export function intersectRect(a: Rect, b: Rect): Rect {
  const x = Math.max(a.x, b.x)
  const y = Math.max(a.y, b.y)
  const w = Math.min(a.x + a.w, b.x + b.w) - x
  const h = Math.min(a.y + a.h, b.y + b.h) - y
  return w > 0 && h > 0 ? { x, y, w, h } : { ...EMPTY_RECT }
}

/**
 * Grows a bounding box pixel by pixel (or span by span) while an operation writes, so the
 * operation can report exactly what it touched without a second pass.
 */
export class Bounds {
  private minX = Infinity
  private minY = Infinity
  private maxX = -Infinity
  private maxY = -Infinity

  addSpan(x0: number, x1: number, y: number): void {
    if (x0 < this.minX) this.minX = x0
    if (x1 > this.maxX) this.maxX = x1
    if (y < this.minY) this.minY = y
    if (y > this.maxY) this.maxY = y
  }

  toRect(): Rect {
    if (this.maxX < this.minX) return { ...EMPTY_RECT }
    return { x: this.minX, y: this.minY, w: this.maxX - this.minX + 1, h: this.maxY - this.minY + 1 }
  }
}
