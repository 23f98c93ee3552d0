// SimCLR views and MAE masks: shapes, ranges, the documented geometry, and seeding.
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { applyMask, makeMasks } from '../../../src/main/training/augment/mae-mask'
import { colourMatrix, SIMCLR_AUGMENT, simclrPair, simclrView } from '../../../src/main/training/augment/simclr'
import { useWasm } from './helpers'

beforeAll(useWasm)

const sum = (a: Float32Array, from = 0, to = a.length): number => a.subarray(from, to).reduce((s, v) => s + v, 0)

describe('MAE masks', () => {
  it('pixel masks black out exactly 75 % of each image', () => {
    const m = makeMasks(2, 16, { kind: 'pixel', ratio: 0.75, patch: 20 }, 1)
    expect(sum(m, 0, 256)).toBe(192)
    expect(sum(m, 256)).toBe(192)
    expect(m.subarray(0, 256)).not.toEqual(m.subarray(256))
  })

  it('patch masks are 20-px squares covering at least 75 % (at most one square more)', () => {
    const size = 128
    const m = makeMasks(1, size, { kind: 'patch', ratio: 0.75, patch: 20 }, 3)
    const frac = sum(m) / (size * size)
    expect(frac).toBeGreaterThanOrEqual(0.75)
    expect(frac).toBeLessThan(0.75 + 400 / (size * size) + 1e-9)
    // Squares are aligned to the 20-px grid: every cell is all masked or all clear.
    for (let cy = 0; cy < 6; cy++) {
      for (let cx = 0; cx < 6; cx++) {
        const first = m[cy * 20 * size + cx * 20]
        for (let y = cy * 20; y < cy * 20 + 20; y++) for (let x = cx * 20; x < cx * 20 + 20; x++) expect(m[y * size + x]).toBe(first)
      }
    }
  })

  it('none masks nothing; the same seed gives the same mask', () => {
    expect(sum(makeMasks(1, 8, { kind: 'none', ratio: 0.75, patch: 20 }, 1))).toBe(0)
    const cfg = { kind: 'pixel' as const, ratio: 0.75, patch: 20 }
    expect(makeMasks(1, 8, cfg, 5)).toEqual(makeMasks(1, 8, cfg, 5))
  })

  it('applyMask sets masked pixels to black and keeps the rest', () => {
    const x = tf.ones([1, 4, 4, 3]) as tf.Tensor4D
    const { input, mask } = applyMask(x, { kind: 'pixel', ratio: 0.75, patch: 20 }, 2)
    const m = mask.dataSync()
    const v = input.dataSync()
    for (let p = 0; p < 16; p++) expect(v[p * 3]).toBe(1 - m[p]!)
  })
})

describe('SimCLR views', () => {
  it('colourMatrix is the identity without jitter and gray rows are the luma weights', () => {
    const id = colourMatrix(1, 0, false)
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(id[i]![j]).toBeCloseTo(i === j ? 1 : 0, 2)
    const g = colourMatrix(1, 0, true)
    expect(g[0]![0]).toBeCloseTo(0.299, 2)
    expect(g[2]![1]).toBeCloseTo(0.587, 2)
  })

  it('with every augmentation off a view is the image resized', () => {
    const x = tf.tensor4d(Float32Array.from({ length: 2 * 8 * 8 * 3 }, (_, i) => (i % 7) / 7), [2, 8, 8, 3])
    const off = { ...SIMCLR_AUGMENT, outSize: 8, scale: [1, 1] as [number, number], ratio: [1, 1] as [number, number], flipProb: 0, jitterProb: 0, grayProb: 0 }
    const v = simclrView(x, off, 1)
    expect(Array.from(v.dataSync()).map((a, i) => Math.abs(a - x.dataSync()[i]!)).every((d) => d < 1e-5)).toBe(true)
    // Flip always: the first column of the view is the last column of the image.
    const flipped = simclrView(x, { ...off, flipProb: 1 }, 1).dataSync()
    expect(flipped[0]).toBeCloseTo(x.dataSync()[7 * 3]!, 5)
  })

  it('pairs are [2N,out,out,3] in [0,1], differ between views, and are seeded', () => {
    const x = tf.randomUniform([3, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor4D
    const cfg = { ...SIMCLR_AUGMENT, outSize: 8 }
    const p = simclrPair(x, cfg, 11)
    expect(p.shape).toEqual([6, 8, 8, 3])
    const d = p.dataSync()
    expect(Math.min(...d)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...d)).toBeLessThanOrEqual(1)
    expect(Array.from(d.slice(0, 192))).not.toEqual(Array.from(d.slice(576, 768)))
    expect(Array.from(simclrPair(x, cfg, 11).dataSync())).toEqual(Array.from(d))
  })
})
