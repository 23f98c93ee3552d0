// Copying class ids from another trimap of the same size (a model's prediction) into the mask: under
// a brush stroke ("paint from prediction") or everywhere at once ("accept prediction").
import type { Mask, Point } from './mask'
import { forEachBrushSpan } from './brush'
import { EMPTY_RECT, type Rect } from './rect'

function assertSameSize(mask: Mask, source: Mask): void {
  if (mask.width !== source.width || mask.height !== source.height) {
    throw new RangeError(`source is ${source.width}×${source.height}, the mask ${mask.width}×${mask.height}`)
  }
}

/**
 * Copies source's bytes into mask under the capsule a brush of diameter `size` sweeps from `from` to
 * `to` (the same footprint as strokeSegment). Returns the rectangle it touched.
 */
export function copySegment(mask: Mask, source: Mask, from: Point, to: Point, size: number): Rect {
  assertSameSize(mask, source)
  const { data } = mask
  const src = source.data
  return forEachBrushSpan(mask, from, to, size, (start, end) => data.set(src.subarray(start, end), start))
}

/** Replaces the whole mask by source; returns the whole mask's rectangle, or empty when they agree. */
export function copyAll(mask: Mask, source: Mask): Rect {
  assertSameSize(mask, source)
  let same = true
  for (let i = 0; i < mask.data.length && same; i++) same = mask.data[i] === source.data[i]
  if (same) return { ...EMPTY_RECT }
  mask.data.set(source.data)
  return { x: 0, y: 0, w: mask.width, h: mask.height }
}
