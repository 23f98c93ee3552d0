// Trimap inspection and repair: problems are reported (never fixed silently), fixes are explicit.
import { describe, expect, it } from 'vitest'
import {
  describeReport,
  inspectTrimap,
  repairTrimap,
  resizeNearest,
} from '../../../src/renderer/src/editor/mask/validate'
import { maskOf, rowsOf } from './helpers'

describe('inspectTrimap', () => {
  it('accepts a trimap of the right size with values 1/2/3', () => {
    const r = inspectTrimap(maskOf(['123', '321']), 3, 2)
    expect(r).toEqual({ ok: true, sizeMismatch: null, badValues: [], badPixelCount: 0 })
  })

  it('reports a wrong size and counts each bad value', () => {
    const t = { width: 2, height: 2, data: new Uint8Array([0, 1, 255, 0]) }
    const r = inspectTrimap(t, 4, 3)
    expect(r.ok).toBe(false)
    expect(r.sizeMismatch).toEqual({ width: 2, height: 2 })
    expect(r.badValues).toEqual([
      { value: 0, count: 2 },
      { value: 255, count: 1 },
    ])
    expect(r.badPixelCount).toBe(3)
    expect(describeReport(r, 4, 3)).toEqual([
      'The trimap is 2×2 but the image is 4×3.',
      '3 pixels hold values other than 1/2/3: 0 (2 px), 255 (1 px).',
    ])
  })

  it('rejects data whose length does not match its own size', () => {
    expect(() => inspectTrimap({ width: 3, height: 3, data: new Uint8Array(4) }, 3, 3)).toThrow(/needs 9/)
  })
})

describe('repairTrimap', () => {
  it('maps bad values to the chosen class and leaves the input untouched', () => {
    const t = { width: 3, height: 1, data: new Uint8Array([0, 1, 7]) }
    const fixed = repairTrimap(t, 3, 1, 2)
    expect(Array.from(fixed.data)).toEqual([2, 1, 2])
    expect(Array.from(t.data)).toEqual([0, 1, 7])
  })

  it('resizes nearest-neighbour to the image size', () => {
    const up = resizeNearest(maskOf(['12', '32']), 4, 4)
    expect(rowsOf(up)).toEqual(['1122', '1122', '3322', '3322'])
    const down = resizeNearest(maskOf(['1122', '1122', '3322', '3322']), 2, 2)
    expect(rowsOf(down)).toEqual(['12', '32'])
    const fixed = repairTrimap({ width: 2, height: 1, data: new Uint8Array([1, 0]) }, 4, 2, 3)
    expect(rowsOf(fixed)).toEqual(['1133', '1133'])
  })
})
