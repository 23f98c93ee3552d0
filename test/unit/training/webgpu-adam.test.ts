// The fused Adam update (training/worker/adam.ts) against tfjs's Adam on cpu: weights and moments over five
// steps, optimizer state carried between the two (a resumed checkpoint), and the GPU programs one step runs.
import * as tf from '@tensorflow/tfjs'
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu'
import { describe, expect, it } from 'vitest'
import { adam } from '../../../src/main/training/worker/adam'
import { selectBackend } from '../../../src/main/training/worker/backend'
import { ADAM_UPDATE } from '../../../src/main/training/worker/kernels/webgpu/kernel-names'
import { randomArray, relError, useCpu } from './helpers'

const probe = await selectBackend({ force: 'webgpu' }).then(
  (c) => ({ ok: c.adapter !== undefined, why: '' }),
  (e: Error) => ({ ok: false, why: e.message }),
)
if (!probe.ok) console.warn(`webgpu Adam tests skipped: ${probe.why}`)

// A conv kernel, its bias, and a size that leaves a workgroup partly empty (65 = 64 + 1).
const SHAPES = [[3, 3, 2, 4], [4], [65]]
const LR = 0.01

interface State {
  weights: Float32Array[]
  /** getWeights() after the steps: the iteration count, then every m, then every v. */
  slots: { name: string; data: Float32Array }[]
}

/** Variables named after the backend, so that the runs on two backends never share a name. */
function makeVars(tag: string): tf.Variable[] {
  return SHAPES.map((s, i) => tf.variable(tf.tensor(randomArray(s.reduce((a, b) => a * b, 1), 50 + i), s), true, `adam_${tag}_${i}`))
}

/** Gradients of step `step`: fixed per step, different between steps, some large, some tiny. */
function gradients(vars: tf.Variable[], step: number): { name: string; tensor: tf.Tensor }[] {
  return vars.map((v, i) => ({ name: v.name, tensor: tf.tensor(randomArray(v.size, 1000 * step + i, -2, 2).map((x, k) => (k % 5 === 0 ? x * 1e-3 : x)), v.shape) }))
}

async function read(opt: tf.Optimizer, vars: tf.Variable[]): Promise<State> {
  const weights = await Promise.all(vars.map((v) => v.data() as Promise<Float32Array>))
  const slots = await Promise.all((await opt.getWeights()).map(async (w) => ({ name: w.name, data: (await w.tensor.data()) as Float32Array })))
  return { weights, slots }
}

/**
 * `steps` Adam steps on a backend with `make`'s optimizer, optionally starting from saved optimizer
 * state (as a resumed checkpoint does) and weights; returns the state after them.
 */
async function runAdam(backend: 'cpu' | 'webgpu', make: () => tf.Optimizer, steps: number[], from?: State, beforeStep?: (opt: tf.Optimizer) => Promise<void>): Promise<State> {
  if (backend === 'cpu') await useCpu()
  else await tf.setBackend('webgpu')
  const vars = makeVars(`${backend}${steps[0]}`)
  const opt = make()
  if (from) {
    vars.forEach((v, i) => v.assign(tf.tensor(from.weights[i]!, v.shape)))
    // Slot names carry the variable names of the run that saved them; tfjs restores them by position.
    await opt.setWeights(from.slots.map((s, i) => ({ name: s.name, tensor: i === 0 ? tf.scalar(s.data[0]!) : tf.tensor(s.data, SHAPES[(i - 1) % SHAPES.length]) })))
  }
  for (const s of steps) {
    await beforeStep?.(opt)
    const g = gradients(vars, s)
    opt.applyGradients(g)
    tf.dispose(g.map((x) => x.tensor))
  }
  const out = await read(opt, vars)
  opt.dispose()
  tf.dispose(vars)
  return out
}

function expectClose(got: State, want: State, start: Float32Array[]): void {
  expect(got.slots.map((s) => s.name.replace(/adam_\w+?_/, ''))).toEqual(want.slots.map((s) => s.name.replace(/adam_\w+?_/, '')))
  expect(got.slots[0]!.data[0]).toBe(want.slots[0]!.data[0]) // the iteration count
  for (let i = 1; i < want.slots.length; i++) expect(relError(got.slots[i]!.data, want.slots[i]!.data)).toBeLessThan(1e-5)
  // Compared as the change from the start: the weights themselves hide an error in a small update.
  const delta = (w: Float32Array[]): Float32Array[] => w.map((x, i) => x.map((v, k) => v - start[i]![k]!))
  const [dg, dw] = [delta(got.weights), delta(want.weights)]
  for (let i = 0; i < dw.length; i++) expect(relError(dg[i]!, dw[i]!)).toBeLessThan(1e-5)
}

const START = SHAPES.map((s, i) => randomArray(s.reduce((a, b) => a * b, 1), 50 + i))
const FIVE = [1, 2, 3, 4, 5]

describe('adam()', () => {
  it('is tfjs Adam, bit for bit, where it does not fuse (cpu)', async () => {
    const want = await runAdam('cpu', () => tf.train.adam(LR), FIVE)
    const got = await runAdam('cpu', () => adam(LR), FIVE)
    expect(got).toEqual(want)
  })
})

describe.runIf(probe.ok)('the fused Adam update on webgpu', () => {
  it("matches tfjs's Adam on cpu over five steps: weights, m, v and the step count", async () => {
    const want = await runAdam('cpu', () => tf.train.adam(LR), FIVE)
    const got = await runAdam('webgpu', () => adam(LR), FIVE)
    expectClose(got, want, START)
    // A kernel that ignored Adam's bias correction or ε would still move the weights the right way.
    expect(relError(got.weights[0]!, START[0]!)).toBeGreaterThan(1e-3)
  })

  it('keeps its packed moments when its state is read between steps (a checkpoint each epoch)', async () => {
    const want = await runAdam('webgpu', () => adam(LR), FIVE)
    let reads = 0
    const got = await runAdam('webgpu', () => adam(LR), FIVE, undefined, async (opt) => {
      // The state and its values, before every step.
      await Promise.all((await opt.getWeights()).map((w) => w.tensor.data()))
      reads += 1
    })
    expect(reads).toBe(FIVE.length)
    expect(got).toEqual(want)
  })

  it('resumes from the state tfjs saved on cpu, and tfjs resumes from its state', async () => {
    const want = await runAdam('cpu', () => tf.train.adam(LR), FIVE)
    const cpuFirst = await runAdam('cpu', () => tf.train.adam(LR), [1, 2])
    expectClose(await runAdam('webgpu', () => adam(LR), [3, 4, 5], cpuFirst), want, START)
    const gpuFirst = await runAdam('webgpu', () => adam(LR), [1, 2, 3])
    expectClose(await runAdam('cpu', () => tf.train.adam(LR), [4, 5], gpuFirst), want, START)
  })

  it("runs one UnetAdamUpdate kernel, two GPU programs, per tensor and step, and frees what it made", async () => {
    await tf.setBackend('webgpu')
    const count = async (make: () => tf.Optimizer): Promise<{ programs: number; kernels: string[]; leaked: number }> => {
      const vars = makeVars(`count${Math.random()}`.replace('.', ''))
      const opt = make()
      const step = (s: number): void => tf.tidy(() => opt.applyGradients(gradients(vars, s)))
      step(1) // makes the moments
      const before = tf.memory().numTensors
      const programs = await countPrograms(async () => (await tf.profile(() => step(2))).kernels.map((k) => k.name))
      const out = { programs: programs.count, kernels: programs.result, leaked: tf.memory().numTensors - before }
      opt.dispose()
      tf.dispose(vars)
      return out
    }
    const fused = await count(() => adam(LR))
    const stock = await count(() => tf.train.adam(LR))
    expect(fused.kernels.filter((k) => k === ADAM_UPDATE)).toHaveLength(SHAPES.length)
    expect(fused.programs).toBe(2 * SHAPES.length)
    expect(stock.programs).toBeGreaterThan(12 * SHAPES.length)
    expect(fused.leaked).toBe(0)
  })
})

/** GPU programs the backend dispatches while `fn` runs (the count docs/training-webgpu.md reports). */
async function countPrograms<T>(fn: () => Promise<T>): Promise<{ count: number; result: T }> {
  const backend = tf.backend() as unknown as WebGPUBackend
  const original = backend.runWebGPUProgram
  let count = 0
  backend.runWebGPUProgram = function (this: WebGPUBackend, ...args: Parameters<WebGPUBackend['runWebGPUProgram']>) {
    count++
    return original.apply(this, args)
  }
  try {
    return { result: await fn(), count }
  } finally {
    backend.runWebGPUProgram = original
  }
}
