// Trimap from a mask: 1 pet, 2 background, 3 on a band across the boundary.
import { describe, expect, it } from 'vitest'
import { fillEllipse, maskToTrimap, newMask } from '../../../src/main/dataset/demo/shapes'

describe('maskToTrimap', () => {
  it('marks a two-pixel band, one pixel each side of the boundary', () => {
    const m = newMask(6, 3)
    for (let y = 0; y < 3; y++) for (let x = 3; x < 6; x++) m.data[y * 6 + x] = 1
    const t = maskToTrimap(m)
    const row = [...t.subarray(6, 12)]
    expect(row).toEqual([2, 2, 3, 3, 1, 1])
  })

  it('never lets pet touch background directly', () => {
    const m = newMask(40, 30)
    fillEllipse(m, 20, 15, 12, 7, 0.4)
    const t = maskToTrimap(m)
    expect(new Set(t)).toEqual(new Set([1, 2, 3]))
    for (let y = 0; y < 30; y++) {
      for (let x = 0; x < 39; x++) {
        const pair = [t[y * 40 + x], t[y * 40 + x + 1]].sort().join()
        expect(pair).not.toBe('1,2')
      }
    }
  })
})
