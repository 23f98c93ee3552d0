// SSL health on hand-made features: collapse (all-equal embeddings, the NT-Xent all-same loss), spread
// embeddings, dead channels, the nearest-neighbour probe, and the monitor on a tiny SimCLR model.
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { arraySource } from '../../../src/main/training/worker/data/source'
import { train } from '../../../src/main/training/worker/loop'
import { ntXentLoss } from '../../../src/main/training/worker/losses/nt-xent'
import { knnForegroundIou } from '../../../src/main/training/worker/metrics/knn-probe'
import {
  collapseThreshold, deadChannelFraction, embeddingStd, isCollapsed, ntXentAllSame,
} from '../../../src/main/training/worker/metrics/ssl-health'
import { healthIndices, makeHealthMonitor } from '../../../src/main/training/worker/metrics/ssl-monitor'
import { buildSimclrModel } from '../../../src/main/training/worker/models/projection-head'
import { buildUnet } from '../../../src/main/training/worker/models/unet'
import { randomArray, useWasm } from './helpers'

beforeAll(useWasm)

describe('embedding spread and collapse', () => {
  it('all-equal embeddings have std 0 and are collapsed', () => {
    const z = tf.tensor2d(Array.from({ length: 8 }, () => [0.3, -1.2, 0.5, 2]))
    const std = embeddingStd(z)
    expect(std).toBeLessThan(1e-6)
    expect(isCollapsed({ embeddingStd: std, dim: 4 })).toBe(true)
  })

  it('random embeddings spread about 1/√d and are healthy', () => {
    const d = 64
    const z = tf.tensor2d(randomArray(256 * d, 3), [256, d])
    const std = embeddingStd(z)
    // Uniform directions: the per-dimension std of unit vectors is 1/√d = 0.125.
    expect(std).toBeGreaterThan(0.9 / Math.sqrt(d))
    expect(std).toBeLessThan(1.1 / Math.sqrt(d))
    expect(isCollapsed({ embeddingStd: std, dim: d })).toBe(false)
    expect(collapseThreshold(128)).toBeCloseTo(0.1 / Math.sqrt(128), 12)
  })

  it('a hand-worked std: rows (1,0) and (0,1) have per-dimension std 0.5', () => {
    expect(embeddingStd(tf.tensor2d([[3, 0], [0, 2]]))).toBeCloseTo(0.5, 6)
  })

  it('counts a channel as dead only when it is zero for every image and position', () => {
    const f = tf.buffer([2, 2, 2, 4])
    for (let n = 0; n < 2; n++) for (let y = 0; y < 2; y++) for (let x = 0; x < 2; x++) f.set(1, n, y, x, 0)
    f.set(0.5, 1, 1, 1, 2) // channel 2 fires once; channels 1 and 3 never
    expect(deadChannelFraction(f.toTensor() as tf.Tensor4D)).toBe(0.5)
  })
})

describe('NT-Xent of total collapse', () => {
  it('is log(2N−1) for one batch: log 63 ≈ 4.1431 for N = 32, at any temperature', () => {
    expect(ntXentAllSame([32])).toBeCloseTo(4.143134726391533, 12)
    const same = tf.tensor2d(Array.from({ length: 64 }, () => [0.2, 0.7, -0.1]))
    for (const t of [0.2, 0.5]) expect(ntXentLoss(same, t).dataSync()[0]).toBeCloseTo(Math.log(63), 4)
  })

  it("averages over an epoch's batches: the demo's 202 images at batch 32 give 3.97189, not log 63", () => {
    const sizes = [32, 32, 32, 32, 32, 32, 10]
    expect(ntXentAllSame(sizes)).toBeCloseTo((6 * Math.log(63) + Math.log(19)) / 7, 12)
    expect(ntXentAllSame(sizes)).toBeCloseTo(3.97189, 5)
    // The collapsed demo run's epoch loss, 3.9718, is caught; log 63 would have missed it.
    const spread = { embeddingStd: 0.05, dim: 128 }
    expect(isCollapsed({ ...spread, meanLoss: 3.9718, allSameLoss: ntXentAllSame(sizes) })).toBe(true)
    expect(isCollapsed({ ...spread, meanLoss: 3.9718, allSameLoss: ntXentAllSame([32]) })).toBe(false)
    expect(isCollapsed({ ...spread, meanLoss: 3.9, allSameLoss: ntXentAllSame(sizes) })).toBe(false)
  })
})

describe('nearest-neighbour probe', () => {
  // Four 4×4 images on a 2×2 feature grid; foreground (class 1) is the left half of every image.
  const trimap = Uint8Array.from({ length: 16 }, (_, p) => (p % 4 < 2 ? 1 : 2))
  const trimaps = [trimap, trimap, trimap, trimap]

  it('transfers labels perfectly when the features tell foreground from background', () => {
    const f = tf.tensor4d(Array.from({ length: 4 * 4 }, (_, k) => (k % 2 === 0 ? [1, 0] : [0, 1])).flat(), [4, 2, 2, 2])
    expect(knnForegroundIou(f, trimaps, 4)).toBe(1)
  })

  it('scores collapsed features by where the first reference cell is: all foreground here, IoU 0.5', () => {
    const f = tf.ones([4, 2, 2, 3]) as tf.Tensor4D
    expect(knnForegroundIou(f, trimaps, 4)).toBe(0.5)
  })
})

describe('health monitor', () => {
  it('measures a tiny SimCLR model on a fixed batch, with the probe where trimaps exist', () => {
    const size = 16
    const images = Array.from({ length: 6 }, (_, i) => Uint8Array.from(randomArray(size * size * 3, 10 + i, 0, 255), Math.round))
    const trimaps = images.map((_, i) => Uint8Array.from({ length: size * size }, (_, p) => ((p + i) % 3) + 1))
    const model = buildSimclrModel(buildUnet({ inputSize: 8, channels: [4, 8], skips: true, outChannels: 3, outActivation: 'softmax' }), [4, 8], { hidden: 8, out: 6 })
    const objective = { kind: 'simclr' as const, viewSize: 8 }
    const before = tf.memory().numTensors
    const m = makeHealthMonitor(model, objective, { source: arraySource(size, images, trimaps), indices: [0, 1, 2, 3, 4, 5] })
    const h = m.measure(2.4, [4, 2])
    expect(m.measure(2.4, [4, 2])).toEqual({ ...h, collapsed: h.collapsed || isCollapsed({ embeddingStd: h.embeddingStd, dim: 6, meanLoss: 2.4, allSameLoss: h.allSameLoss }) })
    m.dispose()
    expect(tf.memory().numTensors).toBe(before)
    expect(h.allSameLoss).toBeCloseTo((Math.log(7) + Math.log(3)) / 2, 12)
    expect(h.stdThreshold).toBeCloseTo(0.1 / Math.sqrt(6), 12)
    expect(h.embeddingStd).toBeGreaterThanOrEqual(0)
    expect(h.deadChannels).toBeGreaterThanOrEqual(0)
    expect(h.deadChannels).toBeLessThanOrEqual(1)
    expect(h.probe).toEqual(expect.any(Number))
    const unlabelled = makeHealthMonitor(model, objective, { source: arraySource(size, images), indices: [0, 1] })
    expect(unlabelled.measure(2.4, [4, 2]).probe).toBeNull()
    unlabelled.dispose()
  })

  it('measures an MAE U-Net on its pooled bottleneck: threshold from its channels, no all-same loss', () => {
    const size = 8
    const images = Array.from({ length: 4 }, (_, i) => Uint8Array.from(randomArray(size * size * 3, 20 + i, 0, 255), Math.round))
    const unet = buildUnet({ inputSize: size, channels: [4, 8], skips: true, outChannels: 3, outActivation: 'sigmoid' })
    const m = makeHealthMonitor(unet, { kind: 'mae', mask: 'patch' }, { source: arraySource(size, images), indices: [0, 1, 2, 3] })
    const h = m.measure(0.05, [4])
    m.dispose()
    expect(h).toMatchObject({ allSameLoss: null, probe: null, stdThreshold: 0.1 / Math.sqrt(8), collapsed: false })
  })

  it('says collapsed only after two collapsed-looking epochs in a row, and never for MAE', () => {
    const size = 8
    // Identical images: identical features, so every epoch looks collapsed.
    const same = Array.from({ length: 4 }, () => Uint8Array.from(randomArray(size * size * 3, 7, 0, 255), Math.round))
    const model = buildSimclrModel(buildUnet({ inputSize: 8, channels: [4, 8], skips: true, outChannels: 3, outActivation: 'softmax' }), [4, 8], { hidden: 8, out: 6 })
    const m = makeHealthMonitor(model, { kind: 'simclr', viewSize: 8 }, { source: arraySource(size, same), indices: [0, 1, 2, 3] })
    const first = m.measure(Math.log(7), [4])
    expect(first.embeddingStd).toBeLessThan(first.stdThreshold)
    expect(first.collapsed).toBe(false)
    expect(m.measure(Math.log(7), [4]).collapsed).toBe(true)
    m.dispose()
    const unet = buildUnet({ inputSize: size, channels: [4, 8], skips: true, outChannels: 3, outActivation: 'sigmoid' })
    const mae = makeHealthMonitor(unet, { kind: 'mae', mask: 'patch' }, { source: arraySource(size, same), indices: [0, 1, 2, 3] })
    expect([mae.measure(0.05, [4]), mae.measure(0.05, [4])].map((h) => h.collapsed)).toEqual([false, false])
    mae.dispose()
  })

  it('is measured after every pretraining epoch of the loop, on the same images, freeing its tensors', async () => {
    const size = 8
    const images = Array.from({ length: 5 }, (_, i) => Uint8Array.from(randomArray(size * size * 3, 30 + i, 0, 255), Math.round))
    const src = arraySource(size, images)
    const model = buildSimclrModel(buildUnet({ inputSize: 8, channels: [4, 8], skips: true, outChannels: 3, outActivation: 'softmax' }), [4, 8], { hidden: 8, out: 6 })
    const objective = { kind: 'simclr' as const, viewSize: 8 }
    const cfg = { objective, epochs: 2, batchSize: 2, seed: 1, trainIndices: [0, 1, 2, 3, 4], health: { source: src, indices: [0, 1, 2, 3] } }
    const before = tf.memory().numTensors
    const seen: (number | null)[] = []
    const res = await train(model, src, cfg, { onEpoch: (e) => void seen.push(e.health?.allSameLoss ?? null) })
    res.optimizer.dispose()
    expect(tf.memory().numTensors).toBe(before)
    // Batches of 2, 2 and a dropped last image: log 3 each epoch.
    expect(seen).toEqual([Math.log(3), Math.log(3)])
  })

  it('picks the same seeded health images every time, at most 32', () => {
    const train = Array.from({ length: 100 }, (_, i) => i)
    expect(healthIndices(train, 7)).toEqual(healthIndices(train, 7))
    expect(healthIndices(train, 7)).toHaveLength(32)
    expect(healthIndices([3, 5], 7)).toEqual([3, 5])
  })
})
