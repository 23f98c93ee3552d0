// Losses on tiny tensors whose values were worked out by hand.
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { diceLoss } from '../../../src/main/training/worker/losses/dice'
import { maskedMseLoss, mseLoss } from '../../../src/main/training/worker/losses/mse'
import { ntXentLoss } from '../../../src/main/training/worker/losses/nt-xent'
import { useWasm } from './helpers'

beforeAll(useWasm)

describe('diceLoss', () => {
  it('is 0 for a perfect prediction and 1 for a completely wrong one', () => {
    // 1×1×2 image: pixel 0 class 0, pixel 1 class 1 (class 2 absent: dice_2 = ε/ε = 1).
    const y = tf.tensor4d([1, 0, 0, 0, 1, 0], [1, 1, 2, 3])
    expect(diceLoss(y, y).dataSync()[0]).toBeCloseTo(0, 5)
    const wrong = tf.tensor4d([0, 1, 0, 1, 0, 0], [1, 1, 2, 3])
    // classes 0, 1: inter 0, dice ≈ 0; class 2: 1 → loss = 1 − 1/3.
    expect(diceLoss(y, wrong).dataSync()[0]).toBeCloseTo(2 / 3, 5)
  })

  it('matches a hand computation on soft predictions', () => {
    const y = tf.tensor4d([1, 0, 0, 0, 1, 0], [1, 1, 2, 3])
    const p = tf.tensor4d([0.5, 0.5, 0, 0.25, 0.25, 0.5], [1, 1, 2, 3])
    // c0: 2·0.5/(1+0.75) = 4/7; c1: 2·0.25/(1+0.75) = 2/7; c2: 0/(0+0.5) = 0.
    expect(diceLoss(y, p).dataSync()[0]).toBeCloseTo(1 - (4 / 7 + 2 / 7) / 3, 5)
  })

  it('ignores unlabelled pixels (all-zero one-hot)', () => {
    const y = tf.tensor4d([1, 0, 0, 0, 0, 0], [1, 1, 2, 3])
    const p = tf.tensor4d([1, 0, 0, 0, 1, 0], [1, 1, 2, 3])
    // Pixel 1 is unlabelled, so its confident class-1 prediction costs nothing.
    expect(diceLoss(y, p).dataSync()[0]).toBeCloseTo(0, 5)
  })
})

describe('ntXentLoss', () => {
  it('matches the formula for two images with orthogonal embeddings', () => {
    // Views: rows 0,1 first views, rows 2,3 second views; partner of 0 is 2 (identical vector).
    const z = tf.tensor2d([1, 0, 0, 1, 1, 0, 0, 1], [4, 2])
    const t = 0.5
    // For each row: s_pos = 1/τ = 2, the two others have cos 0 → loss = −2 + log(e² + 1 + 1).
    const want = -2 + Math.log(Math.exp(2) + 2)
    expect(ntXentLoss(z, t).dataSync()[0]).toBeCloseTo(want, 4)
  })

  it('does not depend on embedding length and falls when partners agree more', () => {
    const a = tf.tensor2d([3, 0, 0, 2, 5, 0, 0, 7], [4, 2])
    const b = tf.tensor2d([1, 0, 0, 1, 1, 0, 0, 1], [4, 2])
    expect(ntXentLoss(a, 0.2).dataSync()[0]).toBeCloseTo(ntXentLoss(b, 0.2).dataSync()[0]!, 4)
    const worse = tf.tensor2d([1, 0, 0, 1, 0, 1, 1, 0], [4, 2])
    expect(ntXentLoss(worse, 0.2).dataSync()[0]).toBeGreaterThan(ntXentLoss(b, 0.2).dataSync()[0]! + 1)
  })

  it('rejects an odd number of rows', () => {
    expect(() => ntXentLoss(tf.zeros([3, 2]) as tf.Tensor2D)).toThrow(/two views/)
  })
})

describe('mse losses', () => {
  it('mse is the mean squared difference', () => {
    const t = tf.tensor4d([0, 1, 0, 1], [1, 1, 1, 4])
    const p = tf.tensor4d([1, 1, 0, 0], [1, 1, 1, 4])
    expect(mseLoss(t, p).dataSync()[0]).toBeCloseTo(0.5, 6)
  })

  it('masked mse counts only masked pixels', () => {
    const t = tf.tensor4d([0, 0, 1, 1], [1, 1, 2, 2])
    const p = tf.tensor4d([1, 1, 1, 0], [1, 1, 2, 2])
    const mask = tf.tensor4d([0, 1], [1, 1, 2, 1])
    // Pixel 1 only: errors 0² and 1² over 2 channels.
    expect(maskedMseLoss(t, p, mask).dataSync()[0]).toBeCloseTo(0.5, 6)
  })
})
