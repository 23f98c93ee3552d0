// NT-Xent and its gradient from the project's webgpu kernels against the composite of tfjs ops on cpu,
// on whatever adapter Dawn finds.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { NT_XENT_NORMALIZE, NT_XENT_NORMALIZE_GRAD, NT_XENT_ROWS, NT_XENT_ROWS_GRAD } from '../../../src/main/training/worker/kernels/webgpu/kernel-names'
import { ntXentLoss } from '../../../src/main/training/worker/losses/nt-xent'
import { probeWebgpu, randomArray, relError, useCpu } from './helpers'

const probe = await probeWebgpu('webgpu NT-Xent tests')

async function lossAndGrad(backend: 'cpu' | 'webgpu', z: Float32Array, shape: [number, number], temperature: number): Promise<{ loss: number; grad: Float32Array; kernels: string[] }> {
  if (backend === 'cpu') await useCpu()
  else await tf.setBackend('webgpu')
  const before = tf.memory().numTensors
  let out: { loss: number; grad: Float32Array } | undefined
  const info = await tf.profile(async () => {
    const zt = tf.tensor2d(z, shape)
    const value = ntXentLoss(zt, temperature)
    const g = tf.grad((q) => tf.mul(ntXentLoss(q as tf.Tensor2D, temperature), 2))(zt)
    out = { loss: (await value.data())[0]!, grad: (await g.data()) as Float32Array }
    tf.dispose([zt, value, g])
  })
  expect(tf.memory().numTensors).toBe(before)
  return { ...out!, kernels: info.kernelNames }
}

describe.skipIf(probe !== '')('NT-Xent on webgpu', () => {
  // More rows than a workgroup's threads, and partners that agree more than chance (a lower loss).
  const cases: [string, [number, number], number][] = [
    ['2 images, 5 dimensions', [4, 5], 0.2],
    ['45 images, 16 dimensions, τ 0.5', [90, 16], 0.5],
  ]
  for (const [name, shape, temperature] of cases) {
    it(`is the composite's loss and gradient (${name})`, async () => {
      const z = randomArray(shape[0] * shape[1], 9)
      const half = (shape[0] / 2) * shape[1]
      for (let i = 0; i < half; i++) z[half + i] = z[i]! + 0.3 * z[half + i]!
      const want = await lossAndGrad('cpu', z, shape, temperature)
      const got = await lossAndGrad('webgpu', z, shape, temperature)
      for (const k of [NT_XENT_NORMALIZE, NT_XENT_ROWS, NT_XENT_ROWS_GRAD, NT_XENT_NORMALIZE_GRAD]) expect(got.kernels).toContain(k)
      expect(got.kernels).not.toContain('LogSoftmax')
      expect(want.loss).toBeGreaterThan(0.01)
      expect(relError([got.loss], [want.loss])).toBeLessThan(1e-5)
      expect(relError(got.grad, want.grad)).toBeLessThan(1e-4)
    })
  }
})
