// SimCLR's views made by one WebGPU program (UnetSimclrViews) against the composite of tfjs ops on cpu,
// on whatever adapter Dawn finds (SimCLR steps against wasm: webgpu-kernels.test.ts).
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { applyViews, drawViews, simclrPair } from '../../../src/main/training/worker/augment/simclr'
import { packViewParams, VIEW_ROW } from '../../../src/main/training/worker/augment/view-params'
import { SIMCLR_VIEWS } from '../../../src/main/training/worker/kernels/webgpu/kernel-names'
import { PAPER_SIMCLR_AUGMENT, type SimclrAugment } from '../../../src/shared/training-protocol'
import { probeWebgpu, randomArray, useCpu } from './helpers'

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
})
