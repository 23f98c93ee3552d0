// The editor's trimap model: a row-major Uint8Array with width and height (the shared Trimap shape),
// and the byte-level helpers the operations and the history build on. No DOM, no Konva.
import { TRIMAP_BACKGROUND, type Trimap } from '../../../../shared/trimap'
import { EMPTY_RECT, intersectRect, isEmptyRect, type Rect } from './rect'

export type Mask = Trimap

export interface Point {
  x: number
  y: number
}

export function createMask(width: number, height: number, value: number = TRIMAP_BACKGROUND): Mask {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`mask size must be positive integers, got ${width}×${height}`)
  }
  return { width, height, data: new Uint8Array(width * height).fill(value) }
}

export function fullRect(m: Mask): Rect {
  return { x: 0, y: 0, w: m.width, h: m.height }
}

export function clipRect(m: Mask, r: Rect): Rect {
  return intersectRect(r, fullRect(m))
}

/** Copies a rectangle of a width-wide buffer into a new packed array (row-major, r.w per row). */
export function readRect(data: Uint8Array, width: number, r: Rect): Uint8Array {
  const out = new Uint8Array(r.w * r.h)
  for (let row = 0; row < r.h; row++) {
    const src = (r.y + row) * width + r.x
    out.set(data.subarray(src, src + r.w), row * r.w)
  }
  return out
}

/** Writes a packed rectangle (as made by readRect) back into a width-wide buffer. */
export function writeRect(data: Uint8Array, width: number, r: Rect, bytes: Uint8Array): void {
  if (bytes.length !== r.w * r.h) throw new RangeError('rect bytes do not match the rect size')
  for (let row = 0; row < r.h; row++) {
    const dst = (r.y + row) * width + r.x
    data.set(bytes.subarray(row * r.w, (row + 1) * r.w), dst)
  }
}

/** The smallest rectangle inside r where buffers a and b differ; empty when they agree there. */
export function changedRect(a: Uint8Array, b: Uint8Array, width: number, r: Rect): Rect {
  if (isEmptyRect(r)) return { ...EMPTY_RECT }
  let minX = Infinity
  let maxX = -Infinity
  let minY = Infinity
  let maxY = -Infinity
  for (let y = r.y; y < r.y + r.h; y++) {
    const row = y * width
    for (let x = r.x; x < r.x + r.w; x++) {
      if (a[row + x] !== b[row + x]) {
        if (x < minX) minX = x
        if (x > maxX) maxX = x
        if (y < minY) minY = y
        maxY = y
      }
    }
  }
  if (maxY < 0 || minY === Infinity) return { ...EMPTY_RECT }
  return { x: minX, y: minY, w: maxX - minX + 1, h: maxY - minY + 1 }
}

/** FNV-1a over the bytes: tells whether a trimap reloaded from disk is the one the history was built on. */
export function hashBytes(data: Uint8Array): number {
  let h = 0x811c9dc5
  for (let i = 0; i < data.length; i++) {
    h ^= data[i]!
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}
