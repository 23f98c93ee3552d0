// The training worker protocol with a real worker_threads worker and a tiny model: progress, per-epoch
// checkpoints, resume from the last epoch, cancel, and a bad job failing without harming this process.
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FromWorker, TrainingData, TrainingJobInput } from '../../../src/shared/training-protocol'
import { runJob } from '../../../src/main/training/worker/job'
import { startTrainingWorker } from '../../../src/main/training/host/worker-client'

const size = 8
const count = 6
let dir: string

function data(): TrainingData {
  const images = new Uint8Array(count * size * size * 3).map((_, i) => (i * 37) % 256)
  const trimaps = new Uint8Array(count * size * size).map((_, i) => 1 + (i % 3))
  return { size, count, images: images.buffer, trimaps: trimaps.buffer }
}

const job = (over: Partial<TrainingJobInput> = {}): TrainingJobInput => ({
  runId: 'r1', phase: 'finetune', method: 'none',
  model: { inputSize: size, channels: [2, 4], skips: true, frozenEncoder: false },
  epochs: 2, batchSize: 2, seed: 1, trainIndices: [0, 1, 2, 3], evalIndices: [4, 5],
  backend: 'wasm', wasmThreads: 1, checkpointDir: dir, ...over,
})

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'train-worker-'))
})
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true })
})

describe('training worker', () => {
  it('reports steps and epochs, checkpoints each epoch, then resumes from the last one', async () => {
    const seen: FromWorker[] = []
    const done = await startTrainingWorker(job(), data(), (m) => seen.push(m)).done
    expect(done).toMatchObject({ type: 'done', cancelled: false, epochsDone: 2, steps: 4 })
    expect(seen[0]).toMatchObject({ type: 'ready', backend: { name: 'wasm' }, resumedFromEpoch: 0 })
    expect(seen.filter((m) => m.type === 'step')).toHaveLength(4)
    const epochs = seen.filter((m) => m.type === 'epoch')
    expect(epochs).toHaveLength(2)
    expect(epochs[1]).toMatchObject({ metrics: { pixelAccuracy: expect.any(Number), meanIou: expect.any(Number) } })
    expect(await fs.readdir(dir)).toEqual(expect.arrayContaining(['model.json', 'weights.bin', 'optimizer.json', 'progress.json']))

    const again: FromWorker[] = []
    const resumed = await startTrainingWorker(job({ epochs: 3, resume: true }), data(), (m) => again.push(m)).done
    expect(again[0]).toMatchObject({ type: 'ready', resumedFromEpoch: 2 })
    expect(again.filter((m) => m.type === 'step').map((m) => (m as { epoch: number }).epoch)).toEqual([2, 2])
    expect(resumed).toMatchObject({ epochsDone: 3, steps: 6 })
  })

  it('stops on cancel', async () => {
    const cdir = await fs.mkdtemp(path.join(os.tmpdir(), 'train-cancel-'))
    // One epoch of 200 steps (batch 1): the cancel must land between steps, not at the epoch's end.
    const many = Array.from({ length: 200 }, (_, i) => i % 4)
    const h = startTrainingWorker(job({ epochs: 50, batchSize: 1, trainIndices: many, checkpointDir: cdir }), data(), (m) => m.type === 'step' && h.cancel())
    const done = await h.done
    expect(done.cancelled).toBe(true)
    expect(done.epochsDone).toBe(0)
    expect(done.steps).toBeLessThan(20)
    await fs.rm(cdir, { recursive: true, force: true })
  })

  it('fails a bad job with a clear error before any work', async () => {
    const h = startTrainingWorker(job({ phase: 'pretrain', method: 'none' }), data(), () => undefined)
    await expect(h.done).rejects.toThrow(/pretraining needs a method/)
    // The same checks in-process (no worker start): finetuning without trimaps, a mismatching size.
    await expect(runJob(job(), { ...data(), trimaps: null }, () => undefined)).rejects.toThrow(/needs trimaps/)
    await expect(runJob(job({ model: { inputSize: 16, channels: [2], skips: true, frozenEncoder: false } }), data(), () => undefined)).rejects.toThrow(/differs/)
    await expect(runJob(job({ batchSize: 0 }), data(), () => undefined)).rejects.toThrow(/batchSize/)
  })
})
