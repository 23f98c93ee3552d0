// The wasm conv-gradient composites against the cpu backend's reference kernels, on small tensors.
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { conv2dBackpropFilterComposite, convFilterBiasGrad } from '../../../src/main/training/worker/kernels/conv2d-backprop-filter'
import { wasmKernelsRegistered } from '../../../src/main/training/worker/kernels/register-wasm'
import { convRelu, upConvRelu } from '../../../src/main/training/worker/models/conv-relu-layers'
import { randomArray, relError, useCpu, useWasm } from './helpers'

type Pad = 'same' | 'valid'
interface Case {
  n: number
  h: number
  w: number
  cin: number
  cout: number
  k: number
  s: number
  pad: Pad
}

const cases: Case[] = []
for (const k of [1, 2, 3]) {
  for (const s of [1, 2]) {
    for (const pad of ['same', 'valid'] as Pad[]) {
      cases.push({ n: 2, h: 7, w: 6, cin: 3, cout: 4, k, s, pad })
      cases.push({ n: 1, h: 8, w: 8, cin: 2, cout: 5, k, s, pad })
      cases.push({ n: 2, h: 5, w: 6, cin: 9, cout: 3, k, s, pad })
      if (k === s) cases.push({ n: 3, h: 6, w: 4, cin: 9, cout: 5, k, s, pad })
    }
  }
}

const outSize = (x: number, c: Case): number => (c.pad === 'same' ? Math.ceil(x / c.s) : Math.floor((x - c.k) / c.s) + 1)

async function onBackend(name: 'cpu' | 'wasm', run: () => tf.Tensor): Promise<Float32Array> {
  if (name === 'cpu') await useCpu()
  else await useWasm()
  const t = run()
  const data = (await t.data()) as Float32Array
  t.dispose()
  return data
}

type FilterGradFn = (x: tf.Tensor4D, dy: tf.Tensor4D, attrs: object) => tf.Tensor
const viaKernel: FilterGradFn = (x, dy, attrs) => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor

function filterGrad(c: Case, run: FilterGradFn = viaKernel): () => tf.Tensor {
  const oh = outSize(c.h, c)
  const ow = outSize(c.w, c)
  return () =>
    tf.tidy(() => {
      const x = tf.tensor4d(randomArray(c.n * c.h * c.w * c.cin, 1), [c.n, c.h, c.w, c.cin])
      const dy = tf.tensor4d(randomArray(c.n * oh * ow * c.cout, 2), [c.n, oh, ow, c.cout])
      const attrs = { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: [c.k, c.k, c.cin, c.cout] }
      return run(x, dy, attrs)
    })
}

function inputGrad(c: Case): () => tf.Tensor {
  const oh = outSize(c.h, c)
  const ow = outSize(c.w, c)
  return () =>
    tf.tidy(() => {
      const dy = tf.tensor4d(randomArray(c.n * oh * ow * c.cout, 3), [c.n, oh, ow, c.cout])
      const filter = tf.tensor4d(randomArray(c.k * c.k * c.cin * c.cout, 4), [c.k, c.k, c.cin, c.cout])
      return tf.conv2dTranspose(dy, filter, [c.n, c.h, c.w, c.cin], c.s, c.pad)
    })
}

const label = (c: Case): string => `k${c.k} s${c.s} ${c.pad} ${c.n}×${c.h}×${c.w}×${c.cin}→${c.cout}`

afterAll(useWasm)

describe('wasm conv gradient composites match the cpu kernels', () => {
  beforeAll(async () => {
    await useWasm()
    expect(wasmKernelsRegistered()).toBe(true)
  })

  it.each(cases.map((c) => [label(c), c] as const))('Conv2DBackpropFilter %s', async (_, c) => {
    const ref = await onBackend('cpu', filterGrad(c))
    const got = await onBackend('wasm', filterGrad(c))
    expect(relError(got, ref)).toBeLessThanOrEqual(1e-4)
  })

  // The path for inputs too large for patch rows, forced here with a patch limit of 0.
  it.each(cases.map((c) => [label(c), c] as const))('Conv2DBackpropFilter, dilated-conv path %s', async (_, c) => {
    const ref = await onBackend('cpu', filterGrad(c))
    const dilated = filterGrad(c, (x, dy, attrs) => conv2dBackpropFilterComposite(x, dy, attrs as never, 0))
    const got = await onBackend('wasm', dilated)
    expect(relError(got, ref)).toBeLessThanOrEqual(1e-4)
  })

  // Chunks of a few output rows (chunkFloats 8 → one to a few rows of dy per matMul), summed.
  it.each(cases.map((c) => [label(c), c] as const))('Conv2DBackpropFilter, many chunks %s', async (_, c) => {
    const ref = await onBackend('cpu', filterGrad(c))
    const chunked = filterGrad(c, (x, dy, attrs) => conv2dBackpropFilterComposite(x, dy, attrs as never, undefined, 8))
    const got = await onBackend('wasm', chunked)
    expect(relError(got, ref)).toBeLessThanOrEqual(1e-4)
  })

  // The filter gradient with the bias gradient from the same matMuls (a row of 1s in the patches).
  it.each(cases.filter((c) => c.s === 1).map((c) => [label(c), c] as const))('filter + bias gradient %s', async (_, c) => {
    const both = (chunkFloats?: number): FilterGradFn => (x, dy, attrs) => {
      const a = attrs as { strides: number; pad: Pad; filterShape: [number, number, number, number] }
      return tf.concat(convFilterBiasGrad(x, dy, a.filterShape, a.strides, a.pad, chunkFloats).map((t) => t.flatten()))
    }
    const ref = await onBackend('cpu', filterGrad(c, both()))
    for (const chunk of [undefined, 8]) {
      const got = await onBackend('wasm', filterGrad(c, both(chunk)))
      expect(relError(got, ref)).toBeLessThanOrEqual(1e-4)
    }
  })

  it.each(cases.map((c) => [label(c), c] as const))('Conv2DBackpropInput / conv2dTranspose %s', async (_, c) => {
    const ref = await onBackend('cpu', inputGrad(c))
    const got = await onBackend('wasm', inputGrad(c))
    expect(relError(got, ref)).toBeLessThanOrEqual(1e-4)
  })

  it('the U-Net upsampler (transposed conv k2 s2) and its gradients match end to end', async () => {
    const grads = (): tf.Tensor => {
      const dy = tf.tensor4d(randomArray(2 * 4 * 4 * 6, 5), [2, 4, 4, 6])
      const w = tf.tensor4d(randomArray(2 * 2 * 3 * 6, 6), [2, 2, 3, 6])
      const up = (...[d, f]: tf.Tensor[]): tf.Tensor => tf.sum(tf.square(tf.conv2dTranspose(d as tf.Tensor4D, f as tf.Tensor4D, [2, 8, 8, 3], 2, 'valid')))
      const [gd, gw] = tf.grads(up)([dy, w])
      return tf.concat([gd!.flatten(), gw!.flatten()])
    }
    const ref = await onBackend('cpu', () => tf.tidy(grads))
    const got = await onBackend('wasm', () => tf.tidy(grads))
    expect(relError(got, ref)).toBeLessThanOrEqual(1e-4)
  })
})

describe('fused conv+ReLU layers have the gradients of the plain ops', () => {
  const x = (): tf.Tensor4D => tf.tensor4d(randomArray(2 * 6 * 6 * 3, 7), [2, 6, 6, 3])
  const b = (): tf.Tensor1D => tf.tensor1d(randomArray(4, 9, -0.2, 0.2))
  const gradsOf = (f: (x: tf.Tensor4D, w: tf.Tensor4D, b: tf.Tensor1D) => tf.Tensor, w: () => tf.Tensor4D) => (): tf.Tensor =>
    tf.tidy(() => {
      // A non-uniform upstream gradient, so every weight of dy matters.
      const g = tf.grads((...[a, k, c]: tf.Tensor[]) => {
        const y = f(a as tf.Tensor4D, k as tf.Tensor4D, c as tf.Tensor1D)
        return tf.sum(tf.mul(y, tf.range(0, y.size).reshape(y.shape).div(y.size)))
      })([x(), w(), b()])
      return tf.concat(g.map((t) => t.flatten()))
    })

  it.each(['cpu', 'wasm'] as const)('convRelu and upConvRelu on %s', async (backend) => {
    const w3 = (): tf.Tensor4D => tf.tensor4d(randomArray(3 * 3 * 3 * 4, 8), [3, 3, 3, 4])
    const w2 = (): tf.Tensor4D => tf.tensor4d(randomArray(2 * 2 * 4 * 3, 8), [2, 2, 4, 3])
    const plainConv = (a: tf.Tensor4D, k: tf.Tensor4D, c: tf.Tensor1D): tf.Tensor => tf.relu(tf.add(tf.conv2d(a, k, 1, 'same'), c))
    const plainUp = (a: tf.Tensor4D, k: tf.Tensor4D, c: tf.Tensor1D): tf.Tensor =>
      tf.relu(tf.add(tf.conv2dTranspose(a, k, [2, 12, 12, 4], 2, 'valid'), c))
    const ref1 = await onBackend('cpu', gradsOf(plainConv, w3))
    const got1 = await onBackend(backend, gradsOf(convRelu, w3))
    expect(relError(got1, ref1)).toBeLessThanOrEqual(1e-4)
    const ref2 = await onBackend('cpu', gradsOf(plainUp, w2))
    const got2 = await onBackend(backend, gradsOf(upConvRelu, w2))
    expect(relError(got2, ref2)).toBeLessThanOrEqual(1e-4)
  })
})
