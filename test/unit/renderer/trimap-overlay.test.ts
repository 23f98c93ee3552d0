// The overlay colouring: exact RGBA per class, transparent for 0 and unknown ids.
import { describe, expect, it } from 'vitest'
import { trimapToRgba } from '../../../src/renderer/src/lib/trimap-overlay'

describe('trimapToRgba', () => {
  it('paints each class its colour, opaque, and leaves 0 and unknown ids transparent', () => {
    const rgba = trimapToRgba({ width: 3, height: 2, data: new Uint8Array([1, 2, 3, 0, 7, 1]) })
    expect(rgba).toBeInstanceOf(Uint8ClampedArray)
    expect(Array.from(rgba)).toEqual([
      255, 99, 71, 255, // pet
      30, 144, 255, 255, // background
      255, 215, 0, 255, // border
      0, 0, 0, 0, // not labelled
      0, 0, 0, 0, // unknown id
      255, 99, 71, 255,
    ])
  })

  it('refuses a trimap whose data does not match its size', () => {
    expect(() => trimapToRgba({ width: 2, height: 2, data: new Uint8Array(3) })).toThrow(/2×2 but holds 3/)
  })
})
