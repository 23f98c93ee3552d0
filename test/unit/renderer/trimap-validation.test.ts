// The contract's trimap check ('labels:save'): word-at-a-time over the data, the same rejections and
// messages as a plain byte loop, whatever the Uint8Array's offset into its buffer.
import { describe, expect, it } from 'vitest'
import { trimapDataProblem } from '../../../src/shared/api'
import { argSchemas, trimapSchema } from '../../../src/shared/api-schemas'

/** The obvious reference: the first byte outside 1/2/3, reported with its pixel. */
function reference(width: number, data: Uint8Array): string | null {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!
    if (v < 1 || v > 3) {
      return `value ${v} at pixel (${i % width}, ${Math.floor(i / width)}) is not a trimap class (1 pet, 2 background, 3 border)`
    }
  }
  return null
}

/** width×height valid bytes at byteOffset `offset` inside a larger buffer (as Node Buffers often are). */
function trimapAt(offset: number, width: number, height: number) {
  const buf = new Uint8Array(offset + width * height + 3).fill(9)
  const data = buf.subarray(offset, offset + width * height)
  for (let i = 0; i < data.length; i++) data[i] = 1 + ((i * 7) % 3)
  return { width, height, data }
}

describe('trimapDataProblem', () => {
  it('accepts every valid trimap, at every alignment and for lengths not a multiple of four', () => {
    for (let offset = 0; offset < 4; offset++) {
      for (const [w, h] of [[1, 1], [3, 1], [5, 3], [7, 7], [1000, 3]] as const) {
        expect(trimapDataProblem(trimapAt(offset, w, h))).toBeNull()
      }
    }
  })

  it('finds a bad value at any position, alignment and value, with the byte loop\'s message', () => {
    const bad = [0, 4, 5, 7, 8, 128, 255, 252, 0x80 | 1, 0x40 | 2]
    for (let offset = 0; offset < 4; offset++) {
      const t = trimapAt(offset, 5, 3)
      for (let i = 0; i < t.data.length; i++) {
        for (const v of bad) {
          const keep = t.data[i]!
          t.data[i] = v
          const got = trimapDataProblem(t)
          expect(got, `offset ${offset}, index ${i}, value ${v}`).toBe(reference(5, t.data))
          expect(got).not.toBeNull()
          t.data[i] = keep
        }
      }
    }
  })

  it('reports the first of several bad pixels, and a wrong length before any value', () => {
    const t = trimapAt(1, 10, 10)
    t.data[57] = 0
    t.data[23] = 200
    expect(trimapDataProblem(t)).toBe('value 200 at pixel (3, 2) is not a trimap class (1 pet, 2 background, 3 border)')
    expect(trimapDataProblem({ width: 10, height: 9, data: t.data })).toBe('data holds 100 bytes but a 10×9 trimap needs 90')
  })

  it('rejects through the schema with the message on data, and checks a 1000×1000 trimap quickly', () => {
    const t = trimapAt(0, 1000, 1000)
    expect(argSchemas['labels:save'].safeParse({ imageId: 1, trimap: t }).success).toBe(true)
    t.data[999_999] = 0
    const r = trimapSchema.safeParse(t)
    expect(r.success).toBe(false)
    expect(r.error?.issues[0]).toMatchObject({ path: ['data'], message: expect.stringContaining('pixel (999, 999)') })
    t.data[999_999] = 3
    // Speed is a benchmark's business, not a test's (timed tests flake on a loaded machine).
    expect(trimapDataProblem(t)).toBeNull()
  })
})
