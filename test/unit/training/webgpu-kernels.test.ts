// The project's WGSL kernels against the cpu backend, and a few U-Net steps of each objective on webgpu
// against wasm (the steps bench:train --check takes on a GPU), on
// whatever adapter Dawn finds (Chromium's SwiftShader on CPU-only machines and in CI: see vitest.config).
import * as tf from '@tensorflow/tfjs'
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu'
import { describe, expect, it } from 'vitest'
import { selectBackend } from '../../../src/main/training/worker/backend'
import { filterGradWebgpu, planSlices } from '../../../src/main/training/worker/kernels/webgpu/filter-grad'
import { RELU_GRAD } from '../../../src/main/training/worker/kernels/heap-kernels'
import { ADAM_UPDATE, BYTES_TO_UNIT, DICE_GRAD, DICE_LOSS, FILTER_BIAS_GRAD, NT_XENT_ROWS, NT_XENT_ROWS_GRAD, SIMCLR_VIEWS, SOFTMAX_GRAD, TRANSPOSED_FILTER_BIAS_GRAD, TRIMAP_ONE_HOT, UPSAMPLE_2X_RELU } from '../../../src/main/training/worker/kernels/webgpu/kernel-names'
import { CHECK_OBJECTIVES, CHECK_TOLERANCE, type CheckName, checkSteps } from '../../../bench/webgpu-check'
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

  // The decoder's transposed convs: x is their output gradient, whose sum over N·H·W is their bias gradient.
  it.each([
    { name: 'one tile', x: [2, 8, 6, 3], dy: [2, 4, 3, 5] },
    { name: 'two tiles of rows and of columns (35 channels, 2·2·35 + ones column)', x: [1, 4, 4, 35], dy: [1, 2, 2, 40] },
  ] as const)("2×2 stride 2 with the bias of x ($name) matches the cpu kernel and Σ x", async ({ x, dy }) => {
    const c: Case = { name: '', x: [...x], dy: [...dy], k: 2, s: 2, pad: 'valid' }
    const sumX: Run = (xt, dyt, attrs) => [viaKernel(xt, dyt, attrs)[0]!, tf.sum(xt, [0, 1, 2])]
    const want = await onBackend('cpu', c, sumX)
    const [w, b] = await onBackend('webgpu', c, (xt, dyt, attrs) => tf.engine().runKernel(TRANSPOSED_FILTER_BIAS_GRAD, { x: xt, dy: dyt }, attrs as never) as unknown as tf.Tensor[])
    expect(relError(w!, want[0]!)).toBeLessThan(1e-4)
    expect(relError(b!, want[1]!)).toBeLessThan(1e-4)
  })

  it('refuses the bias of x where the windows do not tile x', async () => {
    await tf.setBackend('webgpu')
    const x = tf.zeros([1, 5, 4, 2])
    const dy = tf.zeros([1, 2, 2, 3])
    expect(() => tf.engine().runKernel(TRANSPOSED_FILTER_BIAS_GRAD, { x, dy }, { strides: 2, pad: 'valid', dataFormat: 'NHWC', filterShape: [2, 2, 2, 3] } as never)).toThrow(/tile x/)
    tf.dispose([x, dy])
  })

  it('gives the same answer when N·H·W is split into many slices', async () => {
    const c = cases[0]!
    const want = await onBackend('cpu', c, reference)
    // 60 reduction steps in slices of 32: two slices, the second one partly empty.
    expect(planSlices(60, 28, 4, 1e6, 32)).toMatchObject({ slices: 2, kPerSlice: 32 })
    const split: Run = (x, dy, attrs) =>
      filterGradWebgpu(x, dy, attrs as never, tf.backend() as unknown as WebGPUBackend, { bias: 'dy', target: 1e6, minSlice: 32 }).map(
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

/** Runs `op` on fresh copies of the arrays on a backend and reads its output. */
async function run(name: 'cpu' | 'webgpu', arrays: { data: Float32Array; shape: number[] }[], op: (...t: tf.Tensor[]) => tf.Tensor): Promise<Float32Array> {
  if (name === 'cpu') await useCpu()
  else await tf.setBackend('webgpu')
  const inputs = arrays.map((a) => tf.tensor(a.data, a.shape))
  const out = op(...inputs)
  const data = (await out.data()) as Float32Array
  tf.dispose([...inputs, out])
  return data
}

describe.runIf(hasAdapter)('the webgpu backward kernels', () => {
  it('ReLU gradient: dy where y > 0, as Step then Multiply on cpu', async () => {
    // Every fourth y is exactly 0 (its gradient is 0, as Step gives it); about half the rest are negative.
    const shape = [2, 5, 3, 7]
    const size = 210
    const y = randomArray(size, 3).map((v, i) => (i % 4 === 0 ? 0 : v))
    const dy = { data: randomArray(size, 4), shape }
    const want = await run('cpu', [dy, { data: y, shape }], (g, out) => tf.mul(g!, tf.step(out!)))
    const got = await run('webgpu', [dy, { data: y, shape }], (g, out) => tf.engine().runKernel(RELU_GRAD, { dy: g!, y: out! }) as tf.Tensor)
    expect(relError(got, want)).toBeLessThan(1e-4)
    expect(relError(dy.data, want)).toBeGreaterThan(0.1) // passing dy through unchanged would fail
  })

  it.each([
    { name: '2×2 stride 2 tiling (ours), with tied maxima', shape: [2, 6, 4, 3], levels: 2 },
    // tfjs's own kernel breaks ties unlike cpu's, so this case has none.
    { name: 'odd sides (left to tfjs)', shape: [1, 5, 7, 2], levels: 0 },
  ])('max-pool gradient, $name, matches the cpu kernel', async ({ shape, levels }) => {
    const [n, h, w, c] = shape as [number, number, number, number]
    // Rounded to a few levels, windows hold ties: the first maximum (row-major) takes dy, as on cpu.
    const data = randomArray(n * h * w * c, 5).map((v) => (levels ? Math.round(v * levels) / levels : v))
    const pooled = [n, Math.floor(h / 2), Math.floor(w / 2), c]
    const dy = { data: randomArray(pooled.reduce((a, b) => a * b, 1), 6), shape: pooled }
    const grad = (xt: tf.Tensor, g: tf.Tensor): tf.Tensor => tf.grad((t: tf.Tensor) => tf.mul(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid'), g))(xt)
    const want = await run('cpu', [{ data, shape }, dy], (xt, g) => grad(xt!, g!))
    const got = await run('webgpu', [{ data, shape }, dy], (xt, g) => grad(xt!, g!))
    expect(relError(got, want)).toBeLessThan(1e-4)
    if (levels) expect(tiedWindows(data, shape)).toBeGreaterThan(5) // a kernel picking another of the tied cells would fail
  })
})

/** Windows of a 2×2 stride-2 pool whose maximum occurs more than once. */
function tiedWindows(x: Float32Array, [n, h, w, c]: number[]): number {
  let tied = 0
  for (let b = 0; b < n!; b++) for (let i = 0; i + 1 < h!; i += 2) for (let j = 0; j + 1 < w!; j += 2) for (let ch = 0; ch < c!; ch++) {
    const at = (di: number, dj: number): number => x[((b * h! + i + di) * w! + j + dj) * c! + ch]!
    const cells = [at(0, 0), at(0, 1), at(1, 0), at(1, 1)]
    const max = Math.max(...cells)
    if (cells.filter((v) => v === max).length > 1) tied++
  }
  return tied
}

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

/** The check's steps (bench/webgpu-check.ts) on a backend: their losses and every kernel they ran. */
async function stepsOn(backend: 'wasm' | 'webgpu', name: CheckName): Promise<{ losses: number[]; kernels: string[] }> {
  if (backend === 'wasm') await useWasm()
  else await tf.setBackend('webgpu')
  let losses: number[] = []
  const info = await tf.profile(async () => void (losses = await checkSteps(CHECK_OBJECTIVES[name])))
  return { losses, kernels: info.kernelNames }
}

// Each objective's step runs through its own project kernels, besides the U-Net's.
const OWN_KERNELS: Record<CheckName, string[]> = {
  dice: [UPSAMPLE_2X_RELU, TRANSPOSED_FILTER_BIAS_GRAD, DICE_LOSS, DICE_GRAD, TRIMAP_ONE_HOT],
  simclr: [SIMCLR_VIEWS, NT_XENT_ROWS, NT_XENT_ROWS_GRAD],
  mae: [UPSAMPLE_2X_RELU, TRANSPOSED_FILTER_BIAS_GRAD],
}

describe.runIf(hasAdapter)('a U-Net on webgpu', () => {
  for (const name of Object.keys(CHECK_OBJECTIVES) as CheckName[]) {
    it(`takes the same three ${name} + Adam steps as on wasm, through the project's kernels`, async () => {
      const want = await stepsOn('wasm', name)
      const got = await stepsOn('webgpu', name)
      expect(want.losses[2]).not.toBe(want.losses[0])
      expect(relError(got.losses, want.losses)).toBeLessThan(CHECK_TOLERANCE)
      for (const k of [FILTER_BIAS_GRAD, RELU_GRAD, 'MaxPoolGrad', ADAM_UPDATE, BYTES_TO_UNIT, ...OWN_KERNELS[name]]) expect(got.kernels).toContain(k)
      // The two-pass ReLU gradient (SimCLR's projection head is a plain dense layer that still has it).
      if (name !== 'simclr') expect(got.kernels).not.toContain('Step')
      expect(got.kernels).not.toContain('Sqrt') // tfjs's Adam
    })
  }
})

describe.runIf(hasAdapter)("a softmax's gradient on webgpu", () => {
  it("is tfjs's on cpu, in one pass (cpu keeps tfjs's own)", async () => {
    const x = randomArray(2 * 5 * 4 * 3, 31, -3, 3)
    const dy = randomArray(2 * 5 * 4 * 3, 32)
    const grad = async (backend: 'cpu' | 'webgpu'): Promise<{ g: Float32Array; kernels: string[] }> => {
      if (backend === 'cpu') await useCpu()
      else await tf.setBackend('webgpu')
      let g: Float32Array | undefined
      const info = await tf.profile(async () => {
        const xs = tf.tensor4d(x, [2, 5, 4, 3])
        const dys = tf.tensor4d(dy, [2, 5, 4, 3])
        const out = tf.grad((t) => tf.mul(tf.softmax(t), dys))(xs)
        g = (await out.data()) as Float32Array
        tf.dispose([xs, dys, out])
      })
      return { g: g!, kernels: info.kernelNames }
    }
    const want = await grad('cpu')
    const got = await grad('webgpu')
    expect(got.kernels).toContain(SOFTMAX_GRAD)
    expect(got.kernels).not.toContain('Sum')
    expect(relError(got.g, want.g)).toBeLessThan(1e-5)
    expect(want.kernels).not.toContain(SOFTMAX_GRAD)
  })
})
