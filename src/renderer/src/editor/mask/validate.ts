// Checks a trimap against its image before editing, and repairs it only when the user asks: a wrong
// size is resized nearest-neighbour, values outside 1/2/3 are mapped to a class the user chose.
import { TRIMAP_CLASSES, type Trimap, type TrimapClass } from '../../../../shared/trimap'
import { AppError } from '../../../../shared/errors'
import type { Mask } from './mask'

export interface ValueCount {
  value: number
  count: number
}

export interface TrimapReport {
  ok: boolean
  /** The trimap's own size when it differs from the image's, else null. */
  sizeMismatch: { width: number; height: number } | null
  /** Values other than 1/2/3 and how many pixels hold each, ascending by value. */
  badValues: ValueCount[]
  badPixelCount: number
}

export function inspectTrimap(t: Trimap, width: number, height: number): TrimapReport {
  if (t.data.length !== t.width * t.height) {
    throw new AppError(
      'BAD_INPUT',
      `trimap data holds ${t.data.length} bytes but its size ${t.width}×${t.height} needs ${t.width * t.height}`,
    )
  }
  const counts = new Uint32Array(256)
  for (let i = 0; i < t.data.length; i++) counts[t.data[i]!]!++
  const badValues: ValueCount[] = []
  let badPixelCount = 0
  for (let v = 0; v < 256; v++) {
    const count = counts[v]!
    if (count === 0 || (TRIMAP_CLASSES as readonly number[]).includes(v)) continue
    badValues.push({ value: v, count })
    badPixelCount += count
  }
  const sizeMismatch = t.width !== width || t.height !== height ? { width: t.width, height: t.height } : null
  return { ok: !sizeMismatch && badPixelCount === 0, sizeMismatch, badValues, badPixelCount }
}

/** One sentence per problem, for the warning banner. */
export function describeReport(r: TrimapReport, width: number, height: number): string[] {
  const lines: string[] = []
  if (r.sizeMismatch) {
    lines.push(
      `The trimap is ${r.sizeMismatch.width}×${r.sizeMismatch.height} but the image is ${width}×${height}.`,
    )
  }
  if (r.badPixelCount > 0) {
    const list = r.badValues.map((b) => `${b.value} (${b.count} px)`).join(', ')
    lines.push(`${r.badPixelCount} pixels hold values other than 1/2/3: ${list}.`)
  }
  return lines
}

/** A new mask of the image's size with every value in 1/2/3; the input is left untouched. */
export function repairTrimap(t: Trimap, width: number, height: number, mapTo: TrimapClass): Mask {
  const resized = resizeNearest(t, width, height)
  const data = resized.data
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!
    if (v < 1 || v > 3) data[i] = mapTo
  }
  return resized
}

/** Nearest-neighbour resize (pixel centres mapped onto the source grid); a copy even when equal. */
export function resizeNearest(t: Trimap, width: number, height: number): Mask {
  if (t.width === width && t.height === height) return { width, height, data: t.data.slice() }
  const data = new Uint8Array(width * height)
  const xMap = new Int32Array(width)
  for (let x = 0; x < width; x++) xMap[x] = Math.min(t.width - 1, Math.floor(((x + 0.5) * t.width) / width))
  for (let y = 0; y < height; y++) {
    const sy = Math.min(t.height - 1, Math.floor(((y + 0.5) * t.height) / height))
    const src = sy * t.width
    const dst = y * width
    for (let x = 0; x < width; x++) data[dst + x] = t.data[src + xMap[x]!]!
  }
  return { width, height, data }
}
