// Flood fill (4-connected, iterative) and even-odd polygon fill.
import { describe, expect, it } from 'vitest'
import { fillPolygon, floodFill } from '../../../src/renderer/src/editor/mask/fill'
import { createMask } from '../../../src/renderer/src/editor/mask/mask'
import { maskOf, rowsOf } from './helpers'

describe('floodFill', () => {
  it('fills the 4-connected region only (a diagonal touch does not leak)', () => {
    const m = maskOf(['22122', '21212', '12221', '11111'])
    const r = floodFill(m, 2, 2, 3)
    expect(rowsOf(m)).toEqual(['22122', '21312', '13331', '11111'])
    expect(r).toEqual({ x: 1, y: 1, w: 3, h: 2 })
  })

  it('fills around obstacles, into concave pockets above and below', () => {
    const m = maskOf(['22222', '21212', '21112', '21212', '22222'])
    floodFill(m, 0, 0, 3)
    expect(rowsOf(m)).toEqual(['33333', '31313', '31113', '31313', '33333'])
    const closed = maskOf(['1111', '1221', '1111'])
    floodFill(closed, 0, 0, 3)
    expect(rowsOf(closed)).toEqual(['3333', '3223', '3333'])
  })

  it('does nothing when the seed already has the value or lies outside', () => {
    const m = maskOf(['122', '212'])
    expect(floodFill(m, 1, 0, 2).w).toBe(0)
    expect(floodFill(m, -1, 0, 3).w).toBe(0)
    expect(floodFill(m, 3, 1, 3).w).toBe(0)
    expect(rowsOf(m)).toEqual(['122', '212'])
  })

  it('fills a 1000×1000 single region without overflowing the stack', () => {
    const m = createMask(1000, 1000, 2)
    const r = floodFill(m, 500.5, 500.5, 1)
    expect(r).toEqual({ x: 0, y: 0, w: 1000, h: 1000 })
    expect(m.data.every((v) => v === 1)).toBe(true)
  })

  it('fills a 1000×1000 comb-shaped maze region (many seeds) completely', () => {
    const m = createMask(1000, 1000, 2)
    // Vertical walls with alternating gaps at top and bottom make one long snaking region.
    for (let x = 1; x < 1000; x += 2) {
      const gap = (x - 1) % 4 === 0 ? 999 : 0
      for (let y = 0; y < 1000; y++) if (y !== gap) m.data[y * 1000 + x] = 1
    }
    floodFill(m, 0, 0, 3)
    let twos = 0
    for (const v of m.data) if (v === 2) twos++
    expect(twos).toBe(0)
  })
})

describe('fillPolygon', () => {
  it('fills pixels whose centres are inside a square', () => {
    const m = maskOf(['22222', '22222', '22222', '22222'])
    const r = fillPolygon(m, [{ x: 1, y: 1 }, { x: 4, y: 1 }, { x: 4, y: 3 }, { x: 1, y: 3 }], 1)
    expect(rowsOf(m)).toEqual(['22222', '21112', '21112', '22222'])
    expect(r).toEqual({ x: 1, y: 1, w: 3, h: 2 })
  })

  it('fills a triangle by pixel centres', () => {
    const m = maskOf(['2222', '2222', '2222', '2222'])
    fillPolygon(m, [{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 0, y: 4 }], 3)
    expect(rowsOf(m)).toEqual(['3332', '3322', '3222', '2222'])
  })

  it('uses the even-odd rule: the inner loop of a self-overlapping outline stays unfilled', () => {
    const m = maskOf(filled7())
    // Outer square 0..7, then an inner square 2..5 traversed as part of the same outline.
    const pts = [
      { x: 0, y: 0 }, { x: 7, y: 0 }, { x: 7, y: 7 }, { x: 0, y: 7 }, { x: 0, y: 0 },
      { x: 2, y: 2 }, { x: 2, y: 5 }, { x: 5, y: 5 }, { x: 5, y: 2 }, { x: 2, y: 2 },
    ]
    fillPolygon(m, pts, 1)
    expect(rowsOf(m)).toEqual(['1111111', '1111111', '1122211', '1122211', '1122211', '1111111', '1111111'])
  })

  it('ignores fewer than three points and clips to the mask', () => {
    const m = maskOf(['222', '222'])
    expect(fillPolygon(m, [{ x: 0, y: 0 }, { x: 3, y: 2 }], 1).w).toBe(0)
    const r = fillPolygon(m, [{ x: -5, y: -5 }, { x: 10, y: -5 }, { x: 10, y: 10 }, { x: -5, y: 10 }], 1)
    expect(rowsOf(m)).toEqual(['111', '111'])
    expect(r).toEqual({ x: 0, y: 0, w: 3, h: 2 })
  })
})

function filled7(): string[] {
  return Array.from({ length: 7 }, () => '2222222')
}
