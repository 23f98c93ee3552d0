// The decoder's 2× upsampling (relu(conv2dTranspose(x, w, k2 s2) + b)) as one webgpu program against
// tfjs's ops on cpu, on whatever adapter Dawn finds.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { UPSAMPLE_2X_RELU } from '../../../src/main/training/worker/kernels/webgpu/kernel-names'
import { upsample2x } from '../../../src/main/training/worker/models/conv-relu-layers'
import { probeWebgpu, randomArray, relError, useCpu } from './helpers'

const probe = await probeWebgpu('webgpu upsampling tests')

type Shape = [number, number, number, number]

async function upsampleOn(backend: 'cpu' | 'webgpu', xShape: Shape, cout: number): Promise<{ y: Float32Array; shape: number[]; kernels: string[] }> {
  if (backend === 'cpu') await useCpu()
  else await tf.setBackend('webgpu')
  const cin = xShape[3]
  const before = tf.memory().numTensors
  let out: { y: Float32Array; shape: number[] } | undefined
  const info = await tf.profile(async () => {
    const x = tf.tensor4d(randomArray(xShape.reduce((a, b) => a * b), 1), xShape)
    const w = tf.tensor4d(randomArray(4 * cout * cin, 2), [2, 2, cout, cin])
    const b = tf.tensor1d(randomArray(cout, 3, -0.5, 0.5))
    const y = tf.tidy(() => upsample2x(x, w, b))
    out = { y: (await y.data()) as Float32Array, shape: y.shape }
    tf.dispose([x, w, b, y])
  })
  expect(tf.memory().numTensors).toBe(before)
  return { ...out!, kernels: info.kernelNames }
}

describe.skipIf(probe !== '')('the 2× upsampling on webgpu', () => {
  const cases: [string, Shape, number][] = [
    ['one tile', [2, 3, 5, 7], 5],
    ['several tiles each way, Cin past one K step, Cout not a multiple of the tile', [1, 9, 7, 40], 33],
    ['a decoder level of the paper U-Net, small', [2, 4, 4, 64], 32],
  ]
  for (const [name, xShape, cout] of cases) {
    it(`is tfjs's transposed conv + bias + ReLU in one program (${name})`, async () => {
      const want = await upsampleOn('cpu', xShape, cout)
      const got = await upsampleOn('webgpu', xShape, cout)
      expect(got.shape).toEqual([xShape[0], 2 * xShape[1], 2 * xShape[2], cout])
      expect(got.shape).toEqual(want.shape)
      expect(got.kernels).toEqual([UPSAMPLE_2X_RELU])
      // ReLU zeroes about half: the comparison covers both sides.
      expect(want.y.filter((v) => v === 0).length).toBeGreaterThan(want.y.length / 4)
      expect(relError(got.y, want.y)).toBeLessThan(1e-5)
    })
  }
})
