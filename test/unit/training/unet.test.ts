// The U-Net and its training: shapes, frozen encoder, tensor hygiene, and a tiny run that learns.
import * as tf from '@tensorflow/tfjs'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { makeRng } from '../../../src/main/training/worker/augment/random'
import { arraySource } from '../../../src/main/training/worker/data/source'
import { epochOrder, toBatches } from '../../../src/main/training/worker/data/sampling'
import { deriveSeed } from '../../../src/main/training/worker/augment/random'
import { train, trainStep } from '../../../src/main/training/worker/loop'
import { buildSimclrModel } from '../../../src/main/training/worker/models/projection-head'
import { buildUnet, encoderLayers, PAPER_CHANNELS, setEncoderTrainable, type UnetConfig } from '../../../src/main/training/worker/models/unet'
import { loadEncoderWeights, saveEncoderWeights } from '../../../src/main/training/worker/models/weights-io'
import { useWasm } from './helpers'

beforeAll(useWasm)

const tiny = (over: Partial<UnetConfig> = {}): UnetConfig => ({
  inputSize: 16, channels: [4, 8], skips: true, outChannels: 3, outActivation: 'softmax', ...over,
})

/** Images whose trimap is learnable from colour: a bright square (pet) on dark ground, a border ring. */
function squares(n: number, size: number, seed: number): { images: Uint8Array[]; trimaps: Uint8Array[] } {
  const rng = makeRng(seed)
  const images: Uint8Array[] = []
  const trimaps: Uint8Array[] = []
  for (let i = 0; i < n; i++) {
    const img = new Uint8Array(size * size * 3)
    const tri = new Uint8Array(size * size).fill(2)
    const s = 6 + Math.floor(rng() * (size / 2))
    const y0 = Math.floor(rng() * (size - s))
    const x0 = Math.floor(rng() * (size - s))
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inside = y >= y0 && y < y0 + s && x >= x0 && x < x0 + s
        const edge = inside && (y === y0 || x === x0 || y === y0 + s - 1 || x === x0 + s - 1)
        const p = y * size + x
        tri[p] = edge ? 3 : inside ? 1 : 2
        img.fill(inside ? 200 + Math.floor(rng() * 55) : Math.floor(rng() * 60), p * 3, p * 3 + 3)
      }
    }
    images.push(img)
    trimaps.push(tri)
  }
  return { images, trimaps }
}

describe('buildUnet', () => {
  it('has the paper shape: 4 encoder convs 32/64/128/256, 3 transposed convs, a 3-class head', () => {
    const m = buildUnet({ inputSize: 128, channels: [...PAPER_CHANNELS], skips: true, outChannels: 3, outActivation: 'softmax' })
    expect(m.outputs[0]!.shape).toEqual([null, 128, 128, 3])
    const convs = encoderLayers(m).filter((l) => l.name.startsWith('enc_conv'))
    expect(convs.map((l) => (l.getConfig() as { filters: number }).filters)).toEqual([32, 64, 128, 256])
    expect(m.layers.filter((l) => l.name.startsWith('dec_up'))).toHaveLength(3)
    expect(m.getLayer('dec_up2').outputShape).toEqual([null, 32, 32, 128])
    expect(m.getLayer('dec_concat0').outputShape).toEqual([null, 128, 128, 64])
    m.dispose()
  })

  it('without skips has no concatenation and fewer head inputs', () => {
    const m = buildUnet(tiny({ skips: false }))
    expect(m.layers.some((l) => l.name.startsWith('dec_concat'))).toBe(false)
    const out = m.predict(tf.zeros([2, 16, 16, 3])) as tf.Tensor
    expect(out.shape).toEqual([2, 16, 16, 3])
    expect(out.sum(-1).dataSync()[0]).toBeCloseTo(1, 5)
    m.dispose()
  })

  it("skips the image's gradient: the same weight gradients without the full-size input-gradient conv", async () => {
    const model = buildUnet(tiny())
    // The same network with its first layer computing the image's gradient too, as before.
    const config = JSON.parse(JSON.stringify(model.toJSON(null, false))) as { config: { layers: { config: Record<string, unknown> }[] } }
    const first = config.config.layers.find((l) => l.config.name === 'enc_conv0')!
    // Saved in Keras's snake case, as every layer setting is.
    expect(first.config.input_gradient).toBe(false)
    delete first.config.input_gradient
    const full = await tf.models.modelFromJSON(config as never)
    full.setWeights(model.getWeights())
    const { images, trimaps } = squares(2, 16, 4)
    const grads = (m: tf.LayersModel): { values: Float32Array[]; kernels: string[] } => {
      const x = tf.tensor4d(Float32Array.from(images.flatMap((im) => [...im].map((v) => v / 255))), [2, 16, 16, 3])
      const y = tf.oneHot(tf.tensor1d(Int32Array.from(trimaps.flatMap((t) => [...t].map((v) => v - 1))), 'int32'), 3).reshape([2, 16, 16, 3])
      const vars = m.trainableWeights.map((w) => w.read() as tf.Variable)
      let values: Float32Array[] = []
      const kernels: string[] = []
      const inner = tf.engine().runKernel.bind(tf.engine())
      tf.engine().runKernel = ((name: string, inputs: tf.NamedTensorMap, attrs: never) => {
        const out = inner(name, inputs, attrs) as tf.Tensor
        if (name === 'Conv2DBackpropInput' && (out.shape as number[])[3] === 3) kernels.push(name)
        return out
      }) as typeof inner
      try {
        const { grads: g } = tf.variableGrads(() => tf.losses.meanSquaredError(y, m.apply(x) as tf.Tensor) as tf.Scalar, vars)
        values = vars.map((v) => g[v.name]!.dataSync() as Float32Array)
        tf.dispose(Object.values(g))
      } finally {
        tf.engine().runKernel = inner
      }
      tf.dispose([x, y])
      return { values, kernels }
    }
    const skipped = grads(model)
    const computed = grads(full)
    expect(computed.kernels).toEqual(['Conv2DBackpropInput'])
    expect(skipped.kernels).toEqual([])
    expect(skipped.values).toEqual(computed.values)
    // Saved and loaded, a model keeps its first layer's setting; the other convs keep theirs.
    const reloaded = await tf.models.modelFromJSON(JSON.parse(JSON.stringify(model.toJSON(null, false))) as never)
    expect(reloaded.layers.filter((l) => l.name.startsWith('enc_conv')).map((l) => (l as unknown as { inputGradient: boolean }).inputGradient)).toEqual([false, true])
    tf.dispose([model, full, reloaded].flatMap((m) => m.getWeights()))
  })

  it('rejects an input size the pooling cannot halve', () => {
    expect(() => buildUnet(tiny({ inputSize: 18, channels: [4, 8, 16] }))).toThrow(/multiple of 4/)
  })
})

describe('training', () => {
  const { images, trimaps } = squares(8, 16, 1)
  const src = arraySource(16, images, trimaps)
  const idx = [0, 1, 2, 3]

  it('a frozen encoder stays bit-identical while the decoder changes', async () => {
    const m = buildUnet(tiny())
    setEncoderTrainable(m, false)
    const enc0 = encoderLayers(m).flatMap((l) => l.getWeights().map((w) => Array.from(w.dataSync())))
    const head0 = Array.from(m.getLayer('head').getWeights()[0]!.dataSync())
    const opt = tf.train.adam(1e-2)
    const vars = m.trainableWeights.map((w) => w.read() as tf.Variable)
    await trainStep(m, src, idx, { kind: 'segment' }, opt, vars, 1)
    await trainStep(m, src, idx, { kind: 'segment' }, opt, vars, 2)
    const enc1 = encoderLayers(m).flatMap((l) => l.getWeights().map((w) => Array.from(w.dataSync())))
    expect(enc1).toEqual(enc0)
    expect(Array.from(m.getLayer('head').getWeights()[0]!.dataSync())).not.toEqual(head0)
    m.dispose()
  })

  it('leaks no tensors over several steps of each objective', async () => {
    const m = buildUnet(tiny({ outActivation: 'sigmoid' }))
    const s = buildSimclrModel(buildUnet(tiny({ inputSize: 8 })), [4, 8], { hidden: 8, out: 4 })
    const runs: [tf.LayersModel, Parameters<typeof trainStep>[3]][] = [
      [m, { kind: 'mae', mask: 'patch', patch: 4 }],
      [s, { kind: 'simclr', viewSize: 8 }],
    ]
    for (const [model, objective] of runs) {
      const opt = tf.train.adam(1e-3)
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
      await trainStep(model, src, idx, objective, opt, vars, 0) // creates Adam's slots
      const before = tf.memory().numTensors
      for (let k = 1; k <= 4; k++) await trainStep(model, src, idx, objective, opt, vars, k)
      expect(tf.memory().numTensors).toBe(before)
    }
    const seg = buildUnet(tiny())
    const before = tf.memory().numTensors
    await train(seg, src, { objective: { kind: 'segment' }, epochs: 2, batchSize: 3, seed: 1, trainIndices: idx, evalIndices: [4, 5] })
    // Only Adam's state may remain: its two β-power scalars and two slots per weight.
    expect(tf.memory().numTensors).toBe(before + 2 + 2 * seg.trainableWeights.length)
  })

  it('a tiny 32×32 run lowers the Dice loss and reports progress', async () => {
    const data = squares(12, 32, 2)
    const big = arraySource(32, data.images, data.trimaps)
    const m = buildUnet(tiny({ inputSize: 32, channels: [8, 16] }))
    const losses: number[] = []
    const epochs: number[] = []
    const res = await train(
      m, big,
      { objective: { kind: 'segment' }, epochs: 12, batchSize: 6, learningRate: 1e-2, seed: 3, trainIndices: [...Array(10).keys()], evalIndices: [10, 11] },
      { onStep: (e) => losses.push(e.loss), onEpoch: (e) => void epochs.push(e.meanLoss) },
    )
    expect(res.steps).toBe(24)
    expect(epochs).toHaveLength(12)
    const first = (losses[0]! + losses[1]!) / 2
    const last = (losses.at(-1)! + losses.at(-2)!) / 2
    expect(last).toBeLessThan(first * 0.8)
  })

  // train() copies batch s+1 while step s computes, and reads step s's loss after queueing step s+1:
  // the same batches and losses, in the same order, as one by one.
  it('gives the losses of stepping batch by batch, and fails cleanly on a bad image in a later batch', async () => {
    const cfg = { objective: { kind: 'segment' } as const, epochs: 2, batchSize: 3, seed: 5, trainIndices: [0, 1, 2, 3, 4, 5, 6] }
    const a = buildUnet(tiny())
    const b = buildUnet(tiny())
    b.setWeights(a.getWeights())
    const got: number[] = []
    await train(a, src, cfg, { onStep: (e) => void got.push(e.loss) })
    const opt = tf.train.adam(1e-3)
    const vars = b.trainableWeights.map((w) => w.read() as tf.Variable)
    const want: number[] = []
    for (let e = 0; e < cfg.epochs; e++) {
      const batches = toBatches(epochOrder(cfg.trainIndices, cfg.seed, e), cfg.batchSize, false)
      for (let k = 0; k < batches.length; k++) want.push(await trainStep(b, src, batches[k]!, cfg.objective, opt, vars, deriveSeed(cfg.seed, e, k)))
    }
    expect(got).toEqual(want)
    const broken = { ...src, image: (i: number) => (i === 6 ? new Uint8Array(5) : src.image(i)) }
    const c = buildUnet(tiny())
    const before = tf.memory().numTensors
    await expect(train(c, broken, { ...cfg, epochs: 1 })).rejects.toThrow(/image 6 has 5 bytes/)
    // Nothing of the failed step stays: only Adam's β powers, and its slots if a step ran before.
    expect([2, 2 + 2 * c.trainableWeights.length]).toContain(tf.memory().numTensors - before)
  })

  // A step's loss is reported once the next step is queued: that step still runs, and is reported.
  it('stops between steps when cancelled, after the step already queued', async () => {
    const m = buildUnet(tiny())
    const ctl = new AbortController()
    let steps = 0
    const res = await train(m, src, { objective: { kind: 'segment' }, epochs: 5, batchSize: 2, seed: 1, trainIndices: idx }, {
      signal: ctl.signal,
      onStep: () => ++steps === 3 && ctl.abort(),
    })
    expect(res.cancelled).toBe(true)
    expect(res.steps).toBe(4)
    expect(steps).toBe(4)
  })

  it('stops at a NaN loss one step later, reporting nothing of it and leaking nothing', async () => {
    const m = buildUnet(tiny())
    const head = m.getLayer('head')
    tf.tidy(() => head.setWeights(head.getWeights().map((w) => tf.fill(w.shape, NaN))))
    const reported: number[] = []
    const before = tf.memory().numTensors
    const run = train(m, src, { objective: { kind: 'segment' }, epochs: 1, batchSize: 2, seed: 1, trainIndices: idx }, { onStep: (e) => void reported.push(e.loss) })
    await expect(run).rejects.toThrow(/loss became NaN at epoch 1, step 1/)
    expect(reported).toEqual([])
    // Both queued steps ran (Adam's β powers and slots exist); nothing else stays.
    expect(tf.memory().numTensors - before).toBe(2 + 2 * m.trainableWeights.length)
  })

  it('rejects finetuning without trimaps and a model of the wrong input size', async () => {
    const m = buildUnet(tiny())
    await expect(train(m, arraySource(16, images), { objective: { kind: 'segment' }, epochs: 1, batchSize: 2, seed: 1, trainIndices: idx })).rejects.toThrow(/needs trimaps/)
    await expect(train(buildUnet(tiny({ inputSize: 32 })), src, { objective: { kind: 'segment' }, epochs: 1, batchSize: 2, seed: 1, trainIndices: idx })).rejects.toThrow(/expects 32×32/)
  })
})

describe('encoder weights on their own', () => {
  it('round-trip into a U-Net of another input size, and refuse a mismatching one', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'enc-'))
    const a = buildUnet(tiny({ inputSize: 8 }))
    await saveEncoderWeights(a, dir)
    const b = buildUnet(tiny({ inputSize: 16 }))
    await loadEncoderWeights(b, dir)
    expect(Array.from(b.getLayer('enc_conv1').getWeights()[0]!.dataSync())).toEqual(Array.from(a.getLayer('enc_conv1').getWeights()[0]!.dataSync()))
    const c = buildUnet(tiny({ channels: [4, 16] }))
    await expect(loadEncoderWeights(c, dir)).rejects.toThrow(/does not fit the model/)
    await fs.rm(dir, { recursive: true })
  })
})
