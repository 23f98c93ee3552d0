// The wasm heap kernels (MaxPoolGrad 2×2, SplitV on channels, leading-axis Sum, shared Identity) against
// the cpu backend, including the cases they hand back to wasm's own kernels.
import * as tf from '@tensorflow/tfjs'
import { afterAll, describe, expect, it } from 'vitest'
import { reluGrad } from '../../../src/main/training/worker/kernels/conv2d-backprop-filter'
import { randomArray, relError, useCpu, useWasm } from './helpers'

async function onBoth(run: () => tf.Tensor): Promise<{ got: Float32Array; ref: Float32Array; shapes: [number[], number[]] }> {
  await useCpu()
  const r = run()
  const ref = (await r.data()) as Float32Array
  await useWasm()
  const g = run()
  const got = (await g.data()) as Float32Array
  const shapes: [number[], number[]] = [g.shape, r.shape]
  r.dispose()
  g.dispose()
  return { got, ref, shapes }
}

// Values on a coarse grid, so 2×2 windows have ties (the gradient must go to the first maximum only).
const coarse = (n: number, seed: number): Float32Array => randomArray(n, seed).map((v) => Math.round(v * 2) / 2)

afterAll(useWasm)

describe('wasm heap kernels match the cpu backend', () => {
  it.each([
    ['2×2 s2, tiling (heap kernel), with ties', [2, 6, 8, 5], 2, 2, 'valid'],
    // wasm's own kernel breaks ties unlike the cpu one: these get values without ties.
    ['2×2 s2, odd size (wasm kernel)', [1, 7, 5, 3], 2, 2, 'valid'],
    ['3×3 s1 same (wasm kernel)', [1, 5, 5, 2], 3, 1, 'same'],
  ] as const)('max-pool gradient: %s', async (name, shape, k, s, pad) => {
    const size = shape.reduce((a: number, d: number) => a * d, 1)
    const run = (): tf.Tensor =>
      tf.tidy(() => {
        const values = name.includes('ties') ? coarse(size, 1) : randomArray(size, 1)
        const x = tf.tensor4d(values, [...shape] as [number, number, number, number])
        const f = (a: tf.Tensor): tf.Tensor => {
          const y = tf.maxPool(a as tf.Tensor4D, k, s, pad)
          return tf.sum(tf.mul(y, tf.range(1, y.size + 1).reshape(y.shape)))
        }
        return tf.grad(f)(x)
      })
    const { got, ref } = await onBoth(run)
    expect(relError(got, ref)).toBe(0)
  })

  it('channel concat gradient and tf.split on the last axis, axis 1 and axis 0', async () => {
    const run = (): tf.Tensor =>
      tf.tidy(() => {
        const a = tf.tensor4d(randomArray(2 * 3 * 4 * 5, 2), [2, 3, 4, 5])
        const b = tf.tensor4d(randomArray(2 * 3 * 4 * 2, 3), [2, 3, 4, 2])
        const f = (p: tf.Tensor, q: tf.Tensor): tf.Tensor => {
          const c = tf.concat([p, q], -1)
          return tf.sum(tf.mul(c, tf.range(0, c.size).reshape(c.shape)))
        }
        const [ga, gb] = tf.grads(f)([a, b])
        const parts = [...tf.split(a, [1, 3, 1], 3), ...tf.split(a, 3, 1), ...tf.split(a, [1, 1], 0)]
        return tf.concat([ga!, gb!, ...parts].map((t) => t.flatten()))
      })
    const { got, ref } = await onBoth(run)
    expect(relError(got, ref)).toBe(0)
  })

  it.each([
    [[0, 1, 2], false],
    [[0, 1, 2], true],
    [[2, 0, 1], false],
    [[0], true],
    [[-4, -3], false],
    [[1, 2], false],
    [[3], true],
    [[0, 1, 2, 3], false],
  ] as const)('sum over axes %j keepDims %s', async (axes, keepDims) => {
    const run = (): tf.Tensor => tf.tidy(() => tf.sum(tf.tensor4d(randomArray(3 * 4 * 5 * 6, 4), [3, 4, 5, 6]), [...axes], keepDims))
    const { got, ref, shapes } = await onBoth(run)
    expect(shapes[0]).toEqual(shapes[1])
    expect(relError(got, ref)).toBeLessThanOrEqual(1e-6)
  })

  it('int32 sums still go to wasm and keep their dtype', async () => {
    await useWasm()
    const s = tf.sum(tf.tensor2d([1, 2, 3, 4], [2, 2], 'int32'), 0)
    expect(s.dtype).toBe('int32')
    expect(Array.from(await s.data())).toEqual([4, 6])
    s.dispose()
  })

  it('an identity shares its input buffer and survives the input being disposed', async () => {
    await useWasm()
    const before = tf.memory().numBytes
    const x = tf.tensor1d([1, 2, 3])
    const y = tf.clone(x)
    expect(y.dataId).toBe(x.dataId)
    x.dispose()
    expect(Array.from(await y.data())).toEqual([1, 2, 3])
    y.dispose()
    expect(tf.memory().numBytes).toBe(before)
  })

  it('the ReLU gradient (one heap pass on wasm, step × dy elsewhere) passes dy where y > 0 only', async () => {
    // y has exact zeros (a ReLU's output): their gradient is 0 on both backends.
    const run = (): tf.Tensor => tf.tidy(() => reluGrad(tf.tensor3d(randomArray(60, 7), [3, 4, 5]), tf.relu(tf.tensor3d(coarse(60, 8), [3, 4, 5]))))
    const { got, ref } = await onBoth(run)
    expect(relError(got, ref)).toBe(0)
    expect(Array.from(got).filter((v) => v === 0).length).toBeGreaterThan(10)
  })
})
