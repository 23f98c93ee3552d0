// Colour jitter against torchvision: the expected numbers come from a literal numpy port of
// torchvision.transforms._functional_tensor (adjust_brightness/contrast/saturation/hue, ColorJitter's
// per-image order), float32, on two 2×3 images that hit every hue sextant, a gray pixel and black/white.
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { adjustBrightness, adjustContrast, adjustHue, adjustSaturation } from '../../../src/main/training/worker/augment/colour'
import { applyJitter, type ImageJitter } from '../../../src/main/training/worker/augment/jitter'
import { relError, useWasm } from './helpers'

beforeAll(useWasm)

const A = [0.9, 0.2, 0.1, 0.5, 0.5, 0.5, 0.2, 0.7, 0.3, 0.1, 0.3, 0.8, 0.6, 0.6, 0.1, 0.7, 0.1, 0.7]
const B = [0.05, 0.95, 0.9, 1, 0, 0, 0.3, 0.2, 0.25, 0, 0, 0, 1, 1, 1, 0.45, 0.8, 0.35]
const img = (...px: number[][]): tf.Tensor4D => tf.tensor4d(px.flat(), [px.length, 2, 3, 3])
const f = (...v: number[]): tf.Tensor4D => tf.tensor4d(v, [v.length, 1, 1, 1])

// torchvision (numpy port) results, HWC order.
const HUE_A_015 = [0.8799997, 0.9, 0.1, 0.5, 0.5, 0.5, 0.2, 0.65, 0.7, 0.5299999, 0.1, 0.8, 0.1500001, 0.6, 0.1, 0.7, 0.1, 0.16]
const HUE_B_M02 = [0.2799998, 0.95, 0.05, 0.8000002, 0, 1, 0.23, 0.2, 0.3, 0, 0, 0, 1, 1, 1, 0.8, 0.6099998, 0.35]
const CONTRAST_A_05 = [0.665875, 0.315875, 0.265875, 0.465875, 0.465875, 0.465875, 0.315875, 0.565875, 0.365875, 0.265875, 0.365875, 0.615875, 0.515875, 0.515875, 0.265875, 0.565875, 0.265875, 0.565875]
const SATURATION_B_17 = [0, 1, 1, 1, 0, 0, 0.345101, 0.175101, 0.260101, 0, 0, 0, 1, 1, 1, 0.3141965, 0.9091965, 0.1441965]
const BRIGHTNESS_A_14 = [1, 0.28, 0.14, 0.7, 0.7, 0.7, 0.28, 0.98, 0.42, 0.14, 0.42, 1, 0.84, 0.84, 0.14, 0.98, 0.14, 0.98]
// ColorJitter with fn_idx [3,0,2,1] (hue, brightness, saturation, contrast) on A and [1,2,0,3] on B.
const JITTER_A_3021 = [0.8268747, 0.7726864, 0.2268747, 0.6168942, 0.6168942, 0.6168942, 0.2506335, 0.8268747, 0.7186335, 0.5068794, 0.249479, 0.8268747, 0.4010996, 0.7520995, 0.2268747, 0.8268747, 0.2268747, 0.5050657]
const JITTER_B_1203 = [0.34769, 0.55349, 0.34349, 0.352261, 0.146461, 0.356461, 0.068279, 0.052151, 0.085751, 0, 0, 0, 0.699951, 0.699951, 0.699951, 0.5739641, 0.53734, 0.422764]
const JITTER_A_0123 = [0.9809276, 0.7847278, 0.1979275, 0.610849, 0.610849, 0.610849, 0.2579263, 0.8429263, 0.7259263, 0.4553174, 0.2232934, 1, 0.3600831, 0.7110829, 0.1260829, 0.9042147, 0.2022148, 0.4830149]

const close = (t: tf.Tensor, want: number[], tol = 2e-6): void => {
  const got = Array.from(t.dataSync())
  expect(got).toHaveLength(want.length)
  got.forEach((v, i) => expect(Math.abs(v - want[i]!), `element ${i}: ${v} vs ${want[i]}`).toBeLessThan(tol))
}

describe('torchvision colour adjustments', () => {
  it('adjust_hue shifts H in HSV, per image, wrapping around the circle', () => {
    close(adjustHue(img(A, B), f(0.15, -0.2)), [...HUE_A_015, ...HUE_B_M02])
    // Pure red + a third of a turn is pure green (hand-worked); gray, black and white keep their values.
    close(adjustHue(tf.tensor4d([1, 0, 0, 0.4, 0.4, 0.4], [1, 1, 2, 3]), f(1 / 3)), [0, 1, 0, 0.4, 0.4, 0.4])
  })

  it('a zero or whole-turn hue shift gives the image back', () => {
    const x = img(A, B)
    expect(relError(adjustHue(x, f(0, 1)).dataSync(), x.dataSync())).toBeLessThan(1e-6)
  })

  it('brightness, contrast (towards the mean gray) and saturation (towards gray) blend and clamp', () => {
    close(adjustBrightness(img(A), f(1.4)), BRIGHTNESS_A_14)
    close(adjustContrast(img(A), f(0.5)), CONTRAST_A_05)
    close(adjustSaturation(img(B), f(1.7)), SATURATION_B_17)
  })
})

describe('ColorJitter in a random order per image', () => {
  const jA = (order: number[]): ImageJitter => ({ order, brightness: 1.3, contrast: 0.6, saturation: 1.5, hue: 0.1 })
  const jB: ImageJitter = { order: [1, 2, 0, 3], brightness: 0.7, contrast: 1.6, saturation: 0.3, hue: -0.17 }

  it('applies each image its own order in one batched pass, as torchvision does one image at a time', () => {
    close(applyJitter(img(A, B), [jA([3, 0, 2, 1]), jB]), [...JITTER_A_3021, ...JITTER_B_1203])
    // The order matters: the same factors in torchvision's listed order give a different image.
    close(applyJitter(img(A), [jA([0, 1, 2, 3])]), JITTER_A_0123)
    expect(relError(JITTER_A_0123, JITTER_A_3021)).toBeGreaterThan(0.1)
  })

  it('leaves images without a jitter draw bit for bit unchanged, next to jittered ones', () => {
    const x = img(A, B, A)
    const out = applyJitter(x, [null, jB, null]).dataSync()
    expect(Array.from(out.subarray(0, 18))).toEqual(Array.from(x.dataSync().subarray(0, 18)))
    expect(Array.from(out.subarray(36))).toEqual(Array.from(x.dataSync().subarray(36)))
    close(tf.tensor(out.subarray(18, 36)), JITTER_B_1203)
  })

  it('keeps every intermediate tensor inside', () => {
    const x = img(A, B)
    const before = tf.memory().numTensors
    applyJitter(x, [jA([2, 3, 1, 0]), jB]).dispose()
    expect(tf.memory().numTensors).toBe(before)
  })
})
