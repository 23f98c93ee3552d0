// SimCLR's views made by one WebGPU program (UnetSimclrViews) against the composite of tfjs ops on cpu,
// and SimCLR steps on webgpu against wasm, on whatever adapter Dawn finds.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { adam } from '../../../src/main/training/worker/adam'
import { applyViews, drawViews, simclrPair } from '../../../src/main/training/worker/augment/simclr'
import { packViewParams, VIEW_ROW } from '../../../src/main/training/worker/augment/view-params'
import { arraySource } from '../../../src/main/training/worker/data/source'
import { SIMCLR_VIEWS } from '../../../src/main/training/worker/kernels/webgpu/kernel-names'
import { trainStep } from '../../../src/main/training/worker/loop'
import { buildSimclrModel } from '../../../src/main/training/worker/models/projection-head'
import { buildUnet } from '../../../src/main/training/worker/models/unet'
import { PAPER_SIMCLR_AUGMENT, type SimclrAugment } from '../../../src/shared/training-protocol'
import { probeWebgpu, randomArray, relError, useCpu, useWasm } from './helpers'

const probe = await probeWebgpu('webgpu view tests')

/** Every branch taken often: jitter (all four steps, random order) on every view, half flipped, half gray. */
const BUSY: SimclrAugment = { ...PAPER_SIMCLR_AUGMENT, jitterProb: 1, flipProb: 0.5, grayProb: 0.5 }

/** Smooth images with some flat (gray) patches, where hue is ill-conditioned and ties pick the channel. */
function images(n: number, h: number, w: number): Float32Array {
  const r = randomArray(n * h * w * 3, 7, 0, 1)
  for (let i = 0; i < r.length; i += 3 * 5) r[i + 1] = r[i + 2] = r[i]!
  return r
}

async function on<T>(backend: 'cpu' | 'webgpu', f: () => Promise<T>): Promise<T> {
  if (backend === 'cpu') await useCpu()
  else await tf.setBackend('webgpu')
  return f()
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}

describe.skipIf(probe !== '')('SimCLR views on webgpu', () => {
  const [n, h, w] = [3, 20, 17]

  for (const [name, cfg, out] of [['the paper augmentation', PAPER_SIMCLR_AUGMENT, 12], ['jitter on every view', BUSY, 9]] as const) {
    it(`are the composite's views, made in one program (${name})`, async () => {
      const draws = [...drawViews(n, h, w, cfg, 11), ...drawViews(n, h, w, cfg, 12)]
      const x = images(n, h, w)
      const want = await on('cpu', async () => {
        const img = tf.tensor4d(x, [n, h, w, 3])
        const views = tf.concat([applyViews(img, draws.slice(0, n), out), applyViews(img, draws.slice(n), out)])
        const v = await views.data()
        tf.dispose([img, views])
        return v
      })
      const got = await on('webgpu', async () => {
        const before = tf.memory().numTensors
        const img = tf.tensor4d(x, [n, h, w, 3])
        const params = tf.tensor2d(packViewParams(draws, draws.map((_, v) => v % n)), [2 * n, VIEW_ROW.length])
        const views = tf.engine().runKernel(SIMCLR_VIEWS, { image: img, params }, { size: out }) as tf.Tensor
        expect(views.shape).toEqual([2 * n, out, out, 3])
        const v = await views.data()
        tf.dispose([img, params, views])
        expect(tf.memory().numTensors).toBe(before)
        return v
      })
      expect(want.length).toBe(got.length)
      expect(maxAbs(got, want)).toBeLessThan(1e-4)
    })
  }

  it('come from simclrPair on webgpu, with the same draws as on cpu', async () => {
    const x = images(n, h, w)
    const cfg = { ...BUSY, outSize: 8 }
    const pair = async (): Promise<Float32Array> => {
      const img = tf.tensor4d(x, [n, h, w, 3])
      const views = simclrPair(img, cfg, 5)
      const v = (await views.data()) as Float32Array
      tf.dispose([img, views])
      return v
    }
    const want = await on('cpu', pair)
    let kernels: string[] = []
    const got = await on('webgpu', async () => {
      let v: Float32Array | undefined
      kernels = (await tf.profile(async () => void (v = await pair()))).kernelNames
      return v!
    })
    expect(kernels).toContain(SIMCLR_VIEWS)
    expect(kernels).not.toContain('CropAndResize')
    expect(maxAbs(got, want)).toBeLessThan(1e-4)
  })

  it('train SimCLR on webgpu as on wasm: the same losses for three steps', async () => {
    const want = await simclrSteps('wasm', 3)
    const got = await simclrSteps('webgpu', 3)
    expect(want[2]).not.toBe(want[0])
    expect(relError(got, want)).toBeLessThan(1e-3)
  })
})

/** The same encoder, head, weights and images on a backend: the losses of `steps` SimCLR steps. */
async function simclrSteps(backend: 'wasm' | 'webgpu', steps: number): Promise<number[]> {
  if (backend === 'wasm') await useWasm()
  else await tf.setBackend('webgpu')
  const channels = [4, 8]
  const model = buildSimclrModel(buildUnet({ inputSize: 16, channels, skips: true, outChannels: 3, outActivation: 'softmax' }), channels)
  tf.tidy(() => model.setWeights(model.getWeights().map((w, i) => tf.tensor(randomArray(w.size, 200 + i, -0.4, 0.4), w.shape))))
  const pics = [0, 1, 2].map((i) => Uint8Array.from(randomArray(24 * 24 * 3, 30 + i, 0, 255), Math.floor))
  const opt = adam(1e-2)
  const vars = model.trainableWeights.map((v) => v.read() as tf.Variable)
  const losses: number[] = []
  for (let s = 0; s < steps; s++) {
    losses.push(await trainStep(model, arraySource(24, pics), [0, 1, 2], { kind: 'simclr', viewSize: 16, augment: BUSY }, opt, vars, s))
  }
  model.dispose()
  opt.dispose()
  return losses
}
