// SimCLR views and MAE masks: shapes, ranges, the documented geometry, and seeding.
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { applyMask, makeMasks } from '../../../src/main/training/worker/augment/mae-mask'
import { makeRng } from '../../../src/main/training/worker/augment/random'
import { cropBox, drawView, SIMCLR_AUGMENT, simclrPair, simclrView } from '../../../src/main/training/worker/augment/simclr'
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
  it("defaults are the paper's: crop, flip, jitter 0.8/0.8/0.8/0.2 (p 0.8, random order), no grayscale", () => {
    expect(SIMCLR_AUGMENT).toEqual({
      scale: [0.08, 1], ratio: [3 / 4, 4 / 3], flipProb: 0.5, jitterProb: 0.8,
      brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2, jitterOrder: 'random', grayProb: 0,
    })
  })

  it("draws torchvision's ColorJitter ranges, every one of the 24 orders, jitter 80 % of the time", () => {
    const rng = makeRng(4)
    const draws = Array.from({ length: 4000 }, () => drawView(32, 32, SIMCLR_AUGMENT, rng))
    const jit = draws.flatMap((d) => (d.jitter ? [d.jitter] : []))
    expect(jit.length / draws.length).toBeGreaterThan(0.78)
    expect(jit.length / draws.length).toBeLessThan(0.82)
    for (const key of ['brightness', 'contrast', 'saturation'] as const) {
      const v = jit.map((j) => j[key])
      expect(Math.min(...v)).toBeGreaterThanOrEqual(0.2)
      expect(Math.max(...v)).toBeLessThanOrEqual(1.8)
      expect(Math.min(...v)).toBeLessThan(0.25)
      expect(Math.max(...v)).toBeGreaterThan(1.75)
    }
    const hue = jit.map((j) => j.hue)
    expect(Math.min(...hue)).toBeGreaterThanOrEqual(-0.2)
    expect(Math.max(...hue)).toBeLessThanOrEqual(0.2)
    expect(new Set(jit.map((j) => j.order.join(''))).size).toBe(24)
    expect(draws.some((d) => d.gray)).toBe(false)
    const flips = draws.filter((d) => d.flip).length / draws.length
    expect(Math.abs(flips - 0.5)).toBeLessThan(0.03)
  })

  it("falls back to torchvision's central crop when no random crop fits", () => {
    // 4×16 image, square crops of ≥ 90 % of the area cannot fit: the centred 4×4 square.
    expect(cropBox(4, 16, { scale: [0.9, 1], ratio: [1, 1] }, makeRng(1))).toEqual([0, 6 / 15, 1, 9 / 15])
  })

  it('grayscale, when asked for, makes the three channels the gray level', () => {
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D
    const cfg = { ...SIMCLR_AUGMENT, outSize: 8, jitterProb: 0, grayProb: 1 }
    const v = simclrView(x, cfg, 2).dataSync()
    for (let p = 0; p < v.length; p += 3) {
      expect(Math.abs(v[p + 1]! - v[p]!)).toBeLessThan(1e-6)
      expect(Math.abs(v[p + 2]! - v[p]!)).toBeLessThan(1e-6)
    }
    expect(new Set(Array.from(v).map((a) => a.toFixed(3))).size).toBeGreaterThan(20)
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
