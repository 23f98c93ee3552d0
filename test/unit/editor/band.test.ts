// Boundary band: exact results of the documented rule on small masks.
import { describe, expect, it } from 'vitest'
import { boundaryBand, resolveBorder } from '../../../src/renderer/src/editor/mask/band'
import { squaredDistance } from '../../../src/renderer/src/editor/mask/distance'
import { createMask } from '../../../src/renderer/src/editor/mask/mask'
import { maskOf, rowsOf } from './helpers'

describe('squaredDistance', () => {
  it('gives exact squared Euclidean distances between pixel centres', () => {
    const m = maskOf(['1222', '2222', '2222'])
    const d = squaredDistance(m.data, 4, 3, 1)
    expect(Array.from(d)).toEqual([0, 1, 4, 9, 1, 2, 5, 10, 4, 5, 8, 13])
  })
})

describe('boundaryBand', () => {
  const edge = ['11112222']
  it.each([
    [1, '11132222'],
    [2, '11133222'],
    [3, '11333222'],
    [4, '11333322'],
    [0, '11112222'],
  ])('width %i on a straight edge gives %s', (w, expected) => {
    const m = maskOf(edge)
    boundaryBand(m, w)
    expect(rowsOf(m)).toEqual([expected])
  })

  it('resolves an existing border to the nearer side before banding', () => {
    const m = maskOf(['11333322'])
    const r = boundaryBand(m, 2)
    expect(rowsOf(m)).toEqual(['11133222'])
    // Only the pixels that changed are reported.
    expect(r).toEqual({ x: 2, y: 0, w: 4, h: 1 })
  })

  it('width 0 removes the border class, a tie going to pet', () => {
    const m = maskOf(['1332'])
    boundaryBand(m, 0)
    expect(rowsOf(m)).toEqual(['1122'])
  })

  it('bands a square of pet in two dimensions (4-neighbours at width 1)', () => {
    const m = maskOf(['222222', '211112', '211112', '211112', '211112', '222222'])
    boundaryBand(m, 1)
    expect(rowsOf(m)).toEqual(['222222', '233332', '231132', '231132', '233332', '222222'])
  })

  it('a mask with no pet has no edge: border becomes background', () => {
    const m = maskOf(['2332', '2222'])
    boundaryBand(m, 4)
    expect(rowsOf(m)).toEqual(['2222', '2222'])
    expect(Array.from(resolveBorder(maskOf(['33']).data, 2, 1))).toEqual([2, 2])
  })

  it('rejects a negative width', () => {
    expect(() => boundaryBand(maskOf(['12']), -1)).toThrow(/width/)
  })

  it('runs on 1000×1000 in reasonable time', () => {
    const m = createMask(1000, 1000, 2)
    for (let y = 200; y < 800; y++) m.data.fill(1, y * 1000 + 200, y * 1000 + 800)
    const t0 = performance.now()
    boundaryBand(m, 6)
    // A loose bound: catches a quadratic slip, not a slow shared CI machine.
    expect(performance.now() - t0).toBeLessThan(10_000)
    expect(m.data[500 * 1000 + 199]).toBe(3)
    expect(m.data[500 * 1000 + 196]).toBe(2)
    expect(m.data[500 * 1000 + 202]).toBe(3)
    expect(m.data[500 * 1000 + 203]).toBe(1)
  })
})
