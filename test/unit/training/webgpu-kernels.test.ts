// The project's WGSL kernels against the cpu backend, and a few U-Net steps on webgpu against wasm, on
// whatever adapter Dawn finds (Chromium's SwiftShader on CPU-only machines and in CI: see vitest.config).
import * as tf from '@tensorflow/tfjs'
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu'
import { describe, expect, it } from 'vitest'
import { selectBackend } from '../../../src/main/training/backend'
import { arraySource } from '../../../src/main/training/data/source'
import { trainStep } from '../../../src/main/training/loop'
import { filterGradWebgpu, planSlices } from '../../../src/main/training/kernels/webgpu/filter-grad'
import { FILTER_BIAS_GRAD } from '../../../src/main/training/kernels/webgpu/kernel-names'
import { buildUnet } from '../../../src/main/training/models/unet'
import { randomArray, relError, useCpu, useWasm } from './helpers'

// Probed once, before the tests are collected, so that a machine without any adapter skips them visibly.
const probe = await selectBackend({ force: 'webgpu' }).then(
  (c) => ({ adapter: c.adapter, why: '' }),
  (e: Error) => ({ adapter: undefined, why: e.message }),
)
const hasAdapter = probe.adapter !== undefined
if (!hasAdapter) console.warn(`webgpu tests skipped: ${probe.why}`)

describe('a WebGPU adapter', () => {
  it.runIf(process.env.CI === 'true')('is found in CI, where the chromium package provides SwiftShader', () => {
    expect(probe.why).toBe('')
    expect(probe.adapter).toBeDefined()
    expect(probe.adapter!.maxBufferBytes).toBeGreaterThan(0)
  })
})

interface Case {
  name: string
  x: [number, number, number, number]
  dy: [number, number, number, number]
  k: number
  s: number
  pad: 'same' | 'valid'
}

const cases: Case[] = [
  { name: "3×3 'same' stride 1", x: [2, 6, 5, 3], dy: [2, 6, 5, 4], k: 3, s: 1, pad: 'same' },
  { name: "3×3 'same', two tiles each way (46 rows, 37 channels)", x: [1, 5, 4, 5], dy: [1, 5, 4, 37], k: 3, s: 1, pad: 'same' },
  { name: "2×2 stride 2 'valid' (a transposed conv's filter gradient)", x: [2, 8, 6, 3], dy: [2, 4, 3, 5], k: 2, s: 2, pad: 'valid' },
  { name: '1×1 head', x: [2, 5, 5, 9], dy: [2, 5, 5, 3], k: 1, s: 1, pad: 'same' },
  { name: "3×3 'same' stride 2, odd sides (asymmetric padding)", x: [1, 7, 5, 2], dy: [1, 4, 3, 3], k: 3, s: 2, pad: 'same' },
  { name: "3×3 'valid' stride 2", x: [2, 7, 8, 2], dy: [2, 3, 3, 3], k: 3, s: 2, pad: 'valid' },
]

type Run = (x: tf.Tensor4D, dy: tf.Tensor4D, attrs: Record<string, unknown>) => tf.Tensor[]
const viaKernel: Run = (x, dy, attrs) => [tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor]
const viaFused: Run = (x, dy, attrs) => tf.engine().runKernel(FILTER_BIAS_GRAD, { x, dy }, attrs as never) as unknown as tf.Tensor[]
const reference: Run = (x, dy, attrs) => [viaKernel(x, dy, attrs)[0]!, tf.sum(dy, [0, 1, 2])]

/** Runs on the named backend, with the inputs made there (moving tensors between backends is not tested here). */
async function onBackend(name: 'cpu' | 'webgpu', c: Case, run: Run): Promise<Float32Array[]> {
  if (name === 'cpu') await useCpu()
  else await tf.setBackend('webgpu')
  const x = tf.tensor4d(randomArray(c.x.reduce((a, b) => a * b), 1), c.x)
  const dy = tf.tensor4d(randomArray(c.dy.reduce((a, b) => a * b), 2), c.dy)
  const out = run(x, dy, { strides: c.s, pad: c.pad, dataFormat: 'NHWC', filterShape: [c.k, c.k, c.x[3], c.dy[3]] })
  const data = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>))
  tf.dispose([x, dy, ...out])
  return data
}

describe.runIf(hasAdapter)('the webgpu filter gradient', () => {
  it.each(cases)('$name matches the cpu kernel, and its bias gradient Σ dy', async (c) => {
    const want = await onBackend('cpu', c, reference)
    const [w] = await onBackend('webgpu', c, viaKernel)
    const [fw, fb] = await onBackend('webgpu', c, viaFused)
    expect(relError(w!, want[0]!)).toBeLessThan(1e-4)
    expect(relError(fw!, want[0]!)).toBeLessThan(1e-4)
    expect(relError(fb!, want[1]!)).toBeLessThan(1e-4)
  })

  it('gives the same answer when N·H·W is split into many slices', async () => {
    const c = cases[0]!
    const want = await onBackend('cpu', c, reference)
    // 60 reduction steps in slices of 32: two slices, the second one partly empty.
    expect(planSlices(60, 28, 4, 1e6, 32)).toMatchObject({ slices: 2, kPerSlice: 32 })
    const split: Run = (x, dy, attrs) =>
      filterGradWebgpu(x, dy, attrs as never, tf.backend() as unknown as WebGPUBackend, { withBias: true, target: 1e6, minSlice: 32 }).map(
        (t) => tf.engine().makeTensorFromTensorInfo(t),
      )
    const [w, b] = await onBackend('webgpu', c, split)
    expect(relError(w!, want[0]!)).toBeLessThan(1e-4)
    expect(relError(b!, want[1]!)).toBeLessThan(1e-4)
  })

  it('frees its partial sums', async () => {
    await tf.setBackend('webgpu')
    const c = cases[2]!
    await onBackend('webgpu', c, viaFused)
    const before = tf.memory()
    for (let i = 0; i < 3; i++) await onBackend('webgpu', c, viaFused)
    expect(tf.memory().numTensors).toBe(before.numTensors)
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers)
  })
})

describe('planSlices', () => {
  it('splits long reductions of few outputs finely, and keeps large layers whole-ish', () => {
    // The 1×1 head at 128², batch 32: 65 rows × 3 channels over 524,288 positions.
    const head = planSlices(32 * 128 * 128, 65, 3)
    expect(head.slices).toBeGreaterThan(300)
    expect(head.slices * head.kPerSlice).toBeGreaterThanOrEqual(32 * 128 * 128)
    expect(head.kPerSlice % 32).toBe(0)
    // 3×3 256→256 at 16², batch 1: already 584 tiles, and a reduction of one slice's minimum.
    expect(planSlices(256, 2305, 256)).toMatchObject({ slices: 1, tilesM: 73, tilesN: 8 })
  })
})

/** The same U-Net, weights and batch on a backend: the losses of `steps` Adam steps, the last one's kernels. */
async function unetSteps(backend: 'wasm' | 'webgpu', steps: number): Promise<{ losses: number[]; kernels: Set<string> }> {
  if (backend === 'wasm') await useWasm()
  else await tf.setBackend('webgpu')
  const model = buildUnet({ inputSize: 16, channels: [4, 8], skips: true, outChannels: 3, outActivation: 'softmax' })
  tf.tidy(() => model.setWeights(model.getWeights().map((w, i) => tf.tensor(randomArray(w.size, 100 + i, -0.4, 0.4), w.shape))))
  const images = [0, 1].map((i) => Uint8Array.from(randomArray(16 * 16 * 3, 10 + i, 0, 255), Math.floor))
  const trimaps = [0, 1].map((i) => Uint8Array.from(randomArray(16 * 16, 20 + i, 1, 3.999), Math.floor))
  const opt = tf.train.adam(1e-2)
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const losses: number[] = []
  const kernels = new Set<string>()
  for (let s = 0; s < steps; s++) {
    const step = (): Promise<number> => trainStep(model, arraySource(16, images, trimaps), [0, 1], { kind: 'segment' }, opt, vars, s)
    if (s < steps - 1) losses.push(await step())
    else (await tf.profile(async () => losses.push(await step()))).kernelNames.forEach((k) => kernels.add(k))
  }
  model.dispose()
  opt.dispose()
  return { losses, kernels }
}

describe.runIf(hasAdapter)('a U-Net on webgpu', () => {
  it('takes the same three Dice + Adam steps as on wasm, through the fused filter + bias gradient', async () => {
    const want = await unetSteps('wasm', 3)
    const got = await unetSteps('webgpu', 3)
    expect(want.losses[2]).not.toBe(want.losses[0])
    expect(relError(got.losses, want.losses)).toBeLessThan(1e-3)
    expect(got.kernels).toContain(FILTER_BIAS_GRAD)
    expect(got.kernels).toContain('Conv2DBackpropFilter') // the decoder's 2×2 transposed convs
  })
})
