// The Dice loss and its gradient as the project's webgpu kernels against the composite of tfjs ops on
// cpu, on whatever adapter Dawn finds.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { DICE_EPS, diceLoss } from '../../../src/main/training/worker/losses/dice'
import { DICE_GRAD, DICE_LOSS } from '../../../src/main/training/worker/kernels/webgpu/kernel-names'
import { probeWebgpu, randomArray, relError, useCpu } from './helpers'

const probe = await probeWebgpu('webgpu Dice tests')

/**
 * One-hot targets with about a fifth of the pixels unlabelled, and softmax-like predictions; `absent`:
 * the border class in no target and all but absent from the predictions, where ε decides the gradient.
 */
function inputs(shape: [number, number, number, number], seed: number, absent: boolean): { y: Float32Array; p: Float32Array } {
  const pixels = shape[0] * shape[1] * shape[2]
  const ids = randomArray(pixels, seed, 0, 4)
  const y = new Float32Array(pixels * 3)
  ids.forEach((v, q) => {
    const c = absent ? Math.min(2, Math.floor(v)) : Math.floor(v)
    if (c > 0) y[q * 3 + c - 1] = 1
  })
  const raw = randomArray(pixels * 3, seed + 1, 0.01, 1).map((v, i) => (absent && i % 3 === 2 ? v * 1e-8 : v))
  const p = raw.map((v, i) => v / (raw[i - (i % 3)]! + raw[i - (i % 3) + 1]! + raw[i - (i % 3) + 2]!))
  return { y, p }
}

async function lossAndGrad(backend: 'cpu' | 'webgpu', shape: [number, number, number, number], seed: number, absent = false): Promise<{ loss: number; grad: Float32Array; kernels: string[] }> {
  if (backend === 'cpu') await useCpu()
  else await tf.setBackend('webgpu')
  const { y, p } = inputs(shape, seed, absent)
  const before = tf.memory().numTensors
  let out: { loss: number; grad: Float32Array } | undefined
  const info = await tf.profile(async () => {
    const yt = tf.tensor4d(y, shape)
    const pt = tf.tensor4d(p, shape)
    const value = diceLoss(yt, pt)
    const g = tf.grad((q) => tf.mul(diceLoss(yt, q as tf.Tensor4D), 3))(pt)
    out = { loss: (await value.data())[0]!, grad: (await g.data()) as Float32Array }
    tf.dispose([yt, pt, value, g])
  })
  expect(tf.memory().numTensors).toBe(before)
  return { ...out!, kernels: info.kernelNames }
}

describe.skipIf(probe !== '')('the Dice loss on webgpu', () => {
  // One slice of pixels, and several (the per-slice sums then added).
  for (const shape of [[2, 5, 7, 3], [3, 31, 29, 3]] as [number, number, number, number][]) {
    it(`is the composite's loss and gradient, in the project's kernels (${shape.join('×')})`, async () => {
      const want = await lossAndGrad('cpu', shape, 4)
      const got = await lossAndGrad('webgpu', shape, 4)
      expect(got.kernels).toContain(DICE_LOSS)
      expect(got.kernels).toContain(DICE_GRAD)
      expect(got.kernels).not.toContain('RealDiv')
      expect(want.loss).toBeGreaterThan(0.1)
      expect(relError([got.loss], [want.loss])).toBeLessThan(1e-5)
      // The upstream gradient (3 here) scales it.
      expect(relError(got.grad, want.grad)).toBeLessThan(1e-4)
    })
  }

  it("gives the composite's gradient where a class is absent and ε decides it", async () => {
    const shape: [number, number, number, number] = [2, 6, 6, 3]
    const want = await lossAndGrad('cpu', shape, 8, true)
    const got = await lossAndGrad('webgpu', shape, 8, true)
    expect(relError([got.loss], [want.loss])).toBeLessThan(1e-5)
    expect(relError(got.grad, want.grad)).toBeLessThan(1e-4)
  })

  it('is 0 for a perfect prediction, a class absent from both counting as a match (ε / ε)', async () => {
    await tf.setBackend('webgpu')
    const y = tf.tensor4d([1, 0, 0, 0, 1, 0], [1, 1, 2, 3])
    const loss = diceLoss(y, y, DICE_EPS)
    expect((await loss.data())[0]).toBeCloseTo(0, 6)
    tf.dispose([y, loss])
  })
})
