// Screen↔image mapping at several zoom levels, and the overlay's class colours.
import { describe, expect, it } from 'vitest'
import { TRIMAP_COLOURS } from '../../../src/shared/trimap'
import { buildClassLut, maskRectToRgba } from '../../../src/renderer/src/editor/view/overlay-pixels'
import {
  actualSizeTransform,
  fitTransform,
  imageToScreen,
  MAX_SCALE,
  pixelAt,
  screenToImage,
  zoomAround,
} from '../../../src/renderer/src/editor/view/transform'
import { maskOf } from './helpers'

describe('coordinate mapping', () => {
  it.each([0.25, 0.5, 1, 2, 3, 8, 32])('round-trips at scale %f', (scale) => {
    const t = { scale, x: 13, y: -7 }
    const p = { x: 123.25, y: 45.5 }
    const s = imageToScreen(t, p)
    const back = screenToImage(t, s)
    expect(back.x).toBeCloseTo(p.x, 9)
    expect(back.y).toBeCloseTo(p.y, 9)
  })

  it('maps a screen point to the image pixel it covers at 4×', () => {
    const t = { scale: 4, x: 10, y: 20 }
    expect(pixelAt(t, { x: 10, y: 20 })).toEqual({ x: 0, y: 0 })
    expect(pixelAt(t, { x: 13.9, y: 23.9 })).toEqual({ x: 0, y: 0 })
    expect(pixelAt(t, { x: 14, y: 24 })).toEqual({ x: 1, y: 1 })
    expect(pixelAt(t, { x: 9, y: 20 })).toEqual({ x: -1, y: 0 })
  })

  it('zooming keeps the image point under the pointer fixed and clamps the scale', () => {
    const t = { scale: 1.5, x: 40, y: 30 }
    const anchor = { x: 200, y: 120 }
    const before = screenToImage(t, anchor)
    const z = zoomAround(t, 3, anchor)
    expect(z.scale).toBeCloseTo(4.5)
    const after = screenToImage(z, anchor)
    expect(after.x).toBeCloseTo(before.x, 9)
    expect(after.y).toBeCloseTo(before.y, 9)
    expect(zoomAround(t, 1e6, anchor).scale).toBe(MAX_SCALE)
  })

  it('fit shows the whole image centred on whole pixels; 1:1 has scale 1', () => {
    const fit = fitTransform({ width: 1000, height: 500 }, { width: 832, height: 600 }, 16)
    expect(fit.scale).toBeCloseTo(0.8)
    expect(Number.isInteger(fit.x) && Number.isInteger(fit.y)).toBe(true)
    expect(fit.y).toBe(100)
    const one = actualSizeTransform({ width: 101, height: 50 }, { width: 400, height: 300 })
    expect(one).toEqual({ scale: 1, x: 150, y: 125 })
  })
})

describe('overlay pixels', () => {
  it('paints each class in its colour and other values transparent, for just the rect', () => {
    const m = maskOf(['1230', '3210'])
    const out = new Uint32Array(2 * 2)
    maskRectToRgba(m, { x: 1, y: 0, w: 2, h: 2 }, buildClassLut(), out)
    const bytes = new Uint8Array(out.buffer)
    const px = (i: number) => Array.from(bytes.subarray(i * 4, i * 4 + 4))
    expect(px(0)).toEqual([...TRIMAP_COLOURS[2], 255])
    expect(px(1)).toEqual([...TRIMAP_COLOURS[3], 255])
    expect(px(2)).toEqual([...TRIMAP_COLOURS[2], 255])
    expect(px(3)).toEqual([...TRIMAP_COLOURS[1], 255])
    const z = new Uint32Array(1)
    maskRectToRgba(m, { x: 3, y: 0, w: 1, h: 1 }, buildClassLut(), z)
    expect(z[0]).toBe(0)
  })
})
