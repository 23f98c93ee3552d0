// Brush, eraser and border-only brush on small masks, checked pixel by pixel.
import { describe, expect, it } from 'vitest'
import { eraseSegment, snapBrushCentre, strokeSegment } from '../../../src/renderer/src/editor/mask/brush'
import { createMask } from '../../../src/renderer/src/editor/mask/mask'
import { filled, maskOf, rowsOf } from './helpers'

describe('strokeSegment', () => {
  it('paints a single pixel with size 1 at the pixel under the point', () => {
    const m = maskOf(filled(4, 3, 2))
    const r = strokeSegment(m, { x: 2.7, y: 1.2 }, { x: 2.7, y: 1.2 }, 1, 1)
    expect(rowsOf(m)).toEqual(['2222', '2212', '2222'])
    expect(r).toEqual({ x: 2, y: 1, w: 1, h: 1 })
  })

  it('paints a 3-pixel disc as a full 3×3 block and a 4-pixel disc without its corners', () => {
    const m3 = maskOf(filled(5, 5, 2))
    strokeSegment(m3, { x: 2.5, y: 2.5 }, { x: 2.5, y: 2.5 }, 3, 1)
    expect(rowsOf(m3)).toEqual(['22222', '21112', '21112', '21112', '22222'])
    const m4 = maskOf(filled(6, 6, 2))
    const r = strokeSegment(m4, { x: 3, y: 3 }, { x: 3, y: 3 }, 4, 3)
    expect(rowsOf(m4)).toEqual(['222222', '223322', '233332', '233332', '223322', '222222'])
    expect(r).toEqual({ x: 1, y: 1, w: 4, h: 4 })
  })

  it('sweeps a continuous band between two points with no gaps', () => {
    const m = maskOf(filled(10, 3, 2))
    const r = strokeSegment(m, { x: 0.5, y: 1.5 }, { x: 9.5, y: 1.5 }, 1, 1)
    expect(rowsOf(m)).toEqual(['2222222222', '1111111111', '2222222222'])
    expect(r).toEqual({ x: 0, y: 1, w: 10, h: 1 })
  })

  it('leaves no gap on a diagonal of a fast pointer move', () => {
    const m = createMask(50, 50, 2)
    strokeSegment(m, { x: 2, y: 2 }, { x: 47, y: 47 }, 3, 1)
    for (let i = 3; i < 46; i++) expect(m.data[i * 50 + i]).toBe(1)
    expect(m.data[0 * 50 + 49]).toBe(2)
  })

  it('clips at the mask edge and reports only the part inside', () => {
    const m = maskOf(filled(4, 4, 2))
    const r = strokeSegment(m, { x: 0, y: 0 }, { x: 0, y: 0 }, 4, 1)
    expect(r).toEqual({ x: 0, y: 0, w: 2, h: 2 })
    // The lower-right quarter of the 4-pixel disc: its outer corner is not in the disc.
    expect(rowsOf(m)).toEqual(['1122', '1222', '2222', '2222'])
  })

  it('returns an empty rect and writes nothing when the brush is entirely outside', () => {
    const m = maskOf(filled(4, 4, 2))
    const r = strokeSegment(m, { x: -20, y: -20 }, { x: -10, y: -30 }, 5, 1)
    expect(r.w * r.h).toBe(0)
    expect(rowsOf(m)).toEqual(filled(4, 4, 2))
  })

  it('snaps odd sizes to pixel centres and even sizes to pixel corners', () => {
    expect(snapBrushCentre({ x: 3.2, y: 7.9 }, 3)).toEqual({ x: 3.5, y: 7.5 })
    expect(snapBrushCentre({ x: 3.7, y: 2.2 }, 2)).toEqual({ x: 4, y: 2 })
  })
})

describe('eraser and border brush', () => {
  it('the eraser paints background', () => {
    const m = maskOf(filled(3, 3, 1))
    eraseSegment(m, { x: 1.5, y: 1.5 }, { x: 1.5, y: 1.5 }, 1)
    expect(rowsOf(m)).toEqual(['111', '121', '111'])
  })

  it('the border brush changes only border pixels, to the chosen class', () => {
    const m = maskOf(['1132', '1332', '1322'])
    const r = strokeSegment(m, { x: 2, y: 1.5 }, { x: 2, y: 1.5 }, 4, 2, 'borderOnly')
    expect(rowsOf(m)).toEqual(['1122', '1222', '1222'])
    expect(r).toEqual({ x: 0, y: 0, w: 4, h: 3 })
  })

  it('the border brush with border selected changes nothing', () => {
    const m = maskOf(['1132', '1332'])
    strokeSegment(m, { x: 2, y: 1 }, { x: 2, y: 1 }, 8, 3, 'borderOnly')
    expect(rowsOf(m)).toEqual(['1132', '1332'])
  })
})
