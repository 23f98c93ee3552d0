// SimCLR views as one row of numbers each, for a backend that makes all of a batch's views in one
// program (the webgpu kernel UnetSimclrViews): which image, the crop box, the jitter's blend slots in
// the order they apply, the hue shift, grayscale. The same draws and plan as the composite in simclr.ts.
import { jitterPlan } from './jitter'
import type { ViewDraw } from './simclr'

/** Offsets into a view's row; each slot is (a, g, m): out = clamp(a·x + g·gray(x) + m·meanGray(x), 0, 1). */
export const VIEW_ROW = { source: 0, box: 1, before: 5, hued: 14, hue: 15, after: 16, gray: 25, length: 28 } as const

/** Row v: view v of image sources[v], drawn as draws[v]. */
export function packViewParams(draws: readonly ViewDraw[], sources: readonly number[]): Float32Array {
  const plan = jitterPlan(draws.map((d) => d.jitter))
  const out = new Float32Array(draws.length * VIEW_ROW.length)
  draws.forEach((d, v) => {
    const row = out.subarray(v * VIEW_ROW.length, (v + 1) * VIEW_ROW.length)
    const [y1, x1, y2, x2] = d.box
    row[VIEW_ROW.source] = sources[v]!
    // As in applyViews: a box with x1 > x2 reads the crop mirrored.
    row.set(d.flip ? [y1, x2, y2, x1] : [y1, x1, y2, x2], VIEW_ROW.box)
    plan.before.forEach((s, k) => row.set([s.a[v]!, s.g[v]!, s.m[v]!], VIEW_ROW.before + 3 * k))
    plan.after.forEach((s, k) => row.set([s.a[v]!, s.g[v]!, s.m[v]!], VIEW_ROW.after + 3 * k))
    row[VIEW_ROW.hued] = plan.hued[v] ? 1 : 0
    row[VIEW_ROW.hue] = plan.hue[v]!
    row[VIEW_ROW.gray] = d.gray ? 1 : 0
  })
  return out
}
