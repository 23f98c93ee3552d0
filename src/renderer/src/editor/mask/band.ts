// Boundary band: recompute class 3 (border) as a band of a chosen width on the pet/background edge.
//
// The rule, in two steps:
// 1. Resolve: every pixel that is not pet (1) or background (2) takes the class of the nearest
//    pet or background pixel (Euclidean, between pixel centres; a tie goes to pet). With neither
//    class present, everything becomes background.
// 2. Band: with width w, a pet pixel whose distance to the nearest background pixel is at most
//    ceil(w/2) becomes border, and a background pixel within floor(w/2) of pet becomes border.
//    On a straight edge that is exactly w pixels (the extra one of an odd width on the pet side);
//    w = 0 removes the border class altogether.
import { TRIMAP_BACKGROUND, TRIMAP_BORDER, TRIMAP_PET } from '../../../../shared/trimap'
import { FAR, squaredDistance } from './distance'
import type { Mask } from './mask'
import { Bounds, type Rect } from './rect'

export const MAX_BAND_WIDTH = 64

export function boundaryBand(mask: Mask, width: number): Rect {
  if (!Number.isFinite(width) || width < 0) throw new RangeError(`band width must be ≥ 0, got ${width}`)
  const w = Math.min(MAX_BAND_WIDTH, Math.round(width))
  const { width: mw, height: mh, data } = mask
  const resolved = resolveBorder(data, mw, mh)
  const petSide = Math.ceil(w / 2)
  const bgSide = Math.floor(w / 2)
  const toBg = squaredDistance(resolved, mw, mh, TRIMAP_BACKGROUND)
  const toPet = bgSide > 0 ? squaredDistance(resolved, mw, mh, TRIMAP_PET) : null
  const bounds = new Bounds()
  for (let i = 0; i < data.length; i++) {
    const cls = resolved[i]!
    let next = cls
    if (cls === TRIMAP_PET && toBg[i]! <= petSide * petSide) next = TRIMAP_BORDER
    else if (toPet && cls === TRIMAP_BACKGROUND && toPet[i]! <= bgSide * bgSide) next = TRIMAP_BORDER
    if (data[i] !== next) {
      data[i] = next
      const y = Math.floor(i / mw)
      bounds.addSpan(i - y * mw, i - y * mw, y)
    }
  }
  return bounds.toRect()
}

/** Step 1 of the rule above: a copy of the data with only pet and background left. */
export function resolveBorder(data: Uint8Array, width: number, height: number): Uint8Array {
  const out = data.slice()
  let unresolved = 0
  for (let i = 0; i < out.length; i++) if (out[i] !== TRIMAP_PET && out[i] !== TRIMAP_BACKGROUND) unresolved++
  if (unresolved === 0) return out
  const toPet = squaredDistance(data, width, height, TRIMAP_PET)
  const toBg = squaredDistance(data, width, height, TRIMAP_BACKGROUND)
  for (let i = 0; i < out.length; i++) {
    if (out[i] === TRIMAP_PET || out[i] === TRIMAP_BACKGROUND) continue
    const p = toPet[i]!
    out[i] = p < FAR && p <= toBg[i]! ? TRIMAP_PET : TRIMAP_BACKGROUND
  }
  return out
}
