// Held-out evaluation runs at a fixed batch (EVAL_BATCH), not the training batch, and says so in the
// metrics: the paper's F1/Jaccard are batch averages, so the batch is part of what a number means.
import { beforeAll, describe, expect, it } from 'vitest'
import { arraySource } from '../../../src/main/training/worker/data/source'
import { toEpochMetrics } from '../../../src/main/training/worker/job'
import { train } from '../../../src/main/training/worker/loop'
import { evaluateSegmentation, type SegmentationEval } from '../../../src/main/training/worker/metrics/evaluate'
import { buildUnet } from '../../../src/main/training/worker/models/unet'
import { EVAL_BATCH } from '../../../src/shared/training-protocol'
import { useWasm } from './helpers'

beforeAll(useWasm)

const SIZE = 8
// 40 images: a bright square (pet, id 1) on background (id 2).
const images = Array.from({ length: 40 }, (_, k) => new Uint8Array(SIZE * SIZE * 3).map((_, i) => (Math.floor(i / 3) % SIZE < 4 ? 200 : (k * 7) % 50)))
const trimaps = Array.from({ length: 40 }, () => new Uint8Array(SIZE * SIZE).map((_, i) => (i % SIZE < 4 ? 1 : 2)))
const src = arraySource(SIZE, images, trimaps)
const model = () => buildUnet({ inputSize: SIZE, channels: [2, 4], skips: true, outChannels: 3, outActivation: 'softmax' })

describe('evaluation batch', () => {
  it('is 32 by default, whatever the training batch, and is recorded with the epoch metrics', async () => {
    expect(EVAL_BATCH).toBe(32)
    const seen: SegmentationEval[] = []
    const evalIndices = [...Array(35).keys()].map((k) => k + 5)
    await train(model(), src, { objective: { kind: 'segment' }, epochs: 1, batchSize: 3, seed: 1, trainIndices: [0, 1, 2, 3, 4], evalIndices }, {
      onEpoch: (e) => void (e.metrics && seen.push(e.metrics)),
    })
    expect(seen).toHaveLength(1)
    // 35 images at 32 a batch: two batches (32 + 3), not twelve of the training batch's 3.
    expect(seen[0]!.batchSize).toBe(32)
    expect(seen[0]!.paper.batches).toBe(2)
    expect(toEpochMetrics(seen[0])!.evalBatch).toBe(32)
  })

  it('can be set (cli eval --batch), and then is what is recorded', async () => {
    const r = await evaluateSegmentation(model(), src, [...Array(12).keys()], 5)
    expect([r.batchSize, r.paper.batches]).toEqual([5, 3])
    expect(toEpochMetrics(r)!.evalBatch).toBe(5)
  })
})
