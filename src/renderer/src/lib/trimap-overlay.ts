// Turns a trimap's class ids into RGBA pixels for the overlay canvas (browser and editor colours).
// Pure, so it is tested exactly; opacity is applied by CSS on the canvas, not baked in here.
import { TRIMAP_COLOURS, type Trimap, type TrimapClass } from '../../../shared/trimap'

/** One RGBA pixel per trimap pixel: class colour, alpha 255; class 0 or unknown ids transparent. */
export function trimapToRgba(trimap: Trimap): Uint8ClampedArray<ArrayBuffer> {
  const { width, height, data } = trimap
  if (data.length !== width * height) {
    throw new Error(`Trimap is ${width}×${height} but holds ${data.length} values`)
  }
  const out = new Uint8ClampedArray(width * height * 4)
  for (let i = 0; i < data.length; i++) {
    const colour = TRIMAP_COLOURS[data[i] as TrimapClass] as readonly number[] | undefined
    if (!colour) continue
    const o = i * 4
    out[o] = colour[0]!
    out[o + 1] = colour[1]!
    out[o + 2] = colour[2]!
    out[o + 3] = 255
  }
  return out
}
