// Demo pet rasterising: furry blobs, capsules and boxes, and the trimap from a mask of part ids
// (1 pet, 2 background, 3 on a band across the boundary).
import { describe, expect, it } from 'vitest'
import { fillBlob, fillCapsule, fillEllipse, fillRect, maskToTrimap, newMask } from '../../../src/main/dataset/demo/shapes'

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

const area = (d: Uint8Array): number => d.reduce((a, v) => a + (v ? 1 : 0), 0)

describe('shape fills', () => {
  it('gives a furry blob tufts beyond its ellipse but never past 1 + fuzz', () => {
    const plain = newMask(80, 80)
    fillEllipse(plain, 40, 40, 20, 20)
    const furry = newMask(80, 80)
    fillBlob(furry, 40, 40, 20, 20, 0, 0.3, 20)
    expect(area(plain.data)).toBeGreaterThan(Math.PI * 400 * 0.95)
    expect(area(furry.data)).toBeGreaterThan(area(plain.data) * 1.1)
    expect(area(furry.data)).toBeLessThan(Math.PI * 26 * 26)
    for (let i = 0; i < plain.data.length; i++) if (plain.data[i]) expect(furry.data[i]).toBe(1)
  })

  it('draws capsules and boxes with the given part id, clipped to the mask', () => {
    const m = newMask(30, 20)
    fillCapsule(m, 5, 10, 25, 10, 3, 4)
    expect(m.data[10 * 30 + 15]).toBe(4)
    expect(m.data[10 * 30 + 1]).toBe(0)
    expect(m.data[3 * 30 + 15]).toBe(0)
    fillRect(m, -5, 15, 40, 30, 7)
    expect(m.data.subarray(15 * 30, 20 * 30).every((v) => v === 7)).toBe(true)
    expect(m.data.subarray(0, 15 * 30).includes(7)).toBe(false)
  })
})

describe('maskToTrimap with part ids', () => {
  it('counts every part as pet and draws no band between two parts', () => {
    const m = newMask(6, 1)
    m.data.set([0, 0, 1, 1, 5, 5])
    expect([...maskToTrimap(m)]).toEqual([2, 3, 3, 1, 1, 1])
  })
})
