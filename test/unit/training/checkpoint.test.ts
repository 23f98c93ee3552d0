// Checkpoints as one checked unit: a damaged last checkpoint falls back to the previous one, a progress
// that does not fit the run is refused by name, a failed save keeps the old one, a bad folder fails first.
import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FromWorker, TrainingData, TrainingJobInput } from '../../../src/shared/training-protocol'
import { resumeCheckpoint, saveCheckpoint } from '../../../src/main/training/worker/checkpoint'
import { probeCheckpointDir } from '../../../src/main/training/worker/checkpoint-folder'
import { runJob } from '../../../src/main/training/worker/job'

const size = 8
const count = 6
let root: string
let n = 0

function data(): TrainingData {
  const images = new Uint8Array(count * size * size * 3).map((_, i) => (i * 37) % 256)
  const trimaps = new Uint8Array(count * size * size).map((_, i) => 1 + (i % 3))
  return { size, count, images: images.buffer, trimaps: trimaps.buffer }
}

// 4 images in batches of 2: 2 steps an epoch.
const job = (checkpointDir: string, over: Partial<TrainingJobInput> = {}): TrainingJobInput => ({
  runId: 'r1', phase: 'finetune', method: 'none',
  model: { inputSize: size, channels: [2, 4], skips: true, frozenEncoder: false },
  epochs: 2, batchSize: 2, seed: 1, trainIndices: [0, 1, 2, 3], evalIndices: [],
  backend: 'wasm', wasmThreads: 1, checkpointDir, ...over,
})

const freshDir = (): string => path.join(root, `run-${++n}`, 'ckpt')

/** Trains `epochs` epochs of a 3-epoch run, then cancels it: the last and the previous checkpoint stay. */
async function cancelledAfter(dir: string, epochs: number): Promise<void> {
  const abort = new AbortController()
  const emit = (m: FromWorker): void => void (m.type === 'checkpoint' && m.epoch + 1 === epochs && abort.abort())
  await runJob(job(dir, { epochs: 3 }), data(), emit, abort.signal)
}

async function resume(dir: string, epochs = 3): Promise<{ from: number; steps: number }> {
  const seen: FromWorker[] = []
  await runJob(job(dir, { epochs, resume: true }), data(), (m) => seen.push(m))
  const ready = seen.find((m) => m.type === 'ready') as { resumedFromEpoch: number }
  const done = seen.find((m) => m.type === 'done') as { steps: number }
  return { from: ready.resumedFromEpoch, steps: done.steps }
}

/** Rewrites progress.json and its manifest entry, as a checkpoint with that progress would have been written. */
async function setProgress(dir: string, progress: unknown): Promise<void> {
  const bytes = Buffer.from(JSON.stringify(progress))
  await fs.writeFile(path.join(dir, 'progress.json'), bytes)
  const manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8'))
  manifest.files['progress.json'] = { bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') }
  await fs.writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest))
}

const epochsDone = async (dir: string): Promise<number> => JSON.parse(await fs.readFile(path.join(dir, 'progress.json'), 'utf8')).epochsDone

beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'ckpt-'))
})
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true })
})

describe('checkpoints', () => {
  it('resumes from the previous checkpoint when the last one is truncated', async () => {
    const dir = freshDir()
    await cancelledAfter(dir, 2)
    const weights = path.join(dir, 'weights.bin')
    await fs.truncate(weights, 25)
    expect(await resume(dir)).toEqual({ from: 1, steps: 6 })
    expect(await epochsDone(dir)).toBe(3)
  })

  it('resumes from the previous checkpoint when a crash came between the two renames of a save', async () => {
    const dir = freshDir()
    await cancelledAfter(dir, 2)
    // The old folder already moved aside, the new one not yet in place.
    await fs.rm(dir, { recursive: true })
    expect(await resume(dir)).toEqual({ from: 1, steps: 6 })
  })

  it('fails naming the checkpoint and its fault when no good one is left', async () => {
    const dir = freshDir()
    await runJob(job(dir, { epochs: 1 }), data(), () => undefined)
    const weights = path.join(dir, 'weights.bin')
    const { size: bytes } = await fs.stat(weights)
    await fs.writeFile(weights, Buffer.alloc(bytes, 7))
    await expect(resume(dir)).rejects.toThrow(`${dir}: weights.bin does not match its sha256`)
    // Nothing was thrown away: a person can look at it.
    expect((await fs.stat(weights)).size).toBe(bytes)
  })

  it.each([
    [{ epochsDone: 99, steps: 198, lastLoss: 0.5 }, /99 epochs are done, but the run has 6/],
    [{ epochsDone: 1, steps: 7, lastLoss: 0.5 }, /7 steps for 1 epochs, but this run takes 2 steps an epoch/],
    [{ epochsDone: 1, steps: 2, lastLoss: null }, /progress.json is malformed \(lastLoss/],
    [{ epochsDone: -1, steps: 0, lastLoss: 0.5 }, /progress.json is malformed \(epochsDone/],
  ])('refuses progress %j that does not fit a 6-epoch run', async (progress, message) => {
    const dir = freshDir()
    await runJob(job(dir, { epochs: 1 }), data(), () => undefined)
    await setProgress(dir, progress)
    const seen: FromWorker[] = []
    const run = runJob(job(dir, { epochs: 6, resume: true }), data(), (m) => seen.push(m))
    await expect(run).rejects.toThrow(message)
    await expect(run).rejects.toThrow(dir)
    expect(seen).toEqual([])
  })

  it('keeps the previous checkpoint whole and leaves no temp folder when a save fails with a full disk', async () => {
    const dir = freshDir()
    await runJob(job(dir, { epochs: 1 }), data(), () => undefined)
    const restored = (await resumeCheckpoint(dir, { epochs: 2, stepsPerEpoch: 2 }))!
    let written = 0
    const fullDisk = async (file: string, bytes: Uint8Array): Promise<void> => {
      if (++written === 3) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${file}'`), { code: 'ENOSPC' })
      await fs.writeFile(file, bytes)
    }
    const save = saveCheckpoint(dir, restored.model, tf.train.adam(), { epochsDone: 2, steps: 4, lastLoss: 0.1 }, { write: fullDisk })
    await expect(save).rejects.toThrow(`could not save the checkpoint ${dir}: the disk is full (any previous checkpoint is kept)`)
    expect((await fs.readdir(path.dirname(dir))).filter((f) => f.includes('.tmp-'))).toEqual([])
    expect(await epochsDone(dir)).toBe(1)
    expect(await resume(dir, 2)).toEqual({ from: 1, steps: 4 })
  })

  it('fails a run whose checkpoint folder cannot be written before any training, saying why', async () => {
    const file = path.join(root, 'a-file')
    await fs.writeFile(file, 'not a folder')
    const dir = path.join(file, 'runs', '1')
    await expect(probeCheckpointDir(dir)).rejects.toThrow(`cannot save checkpoints in ${path.dirname(dir)}: it, or a folder above it, is a file, not a folder`)
    const seen: FromWorker[] = []
    await expect(runJob(job(dir), data(), (m) => seen.push(m))).rejects.toThrow(/is a file, not a folder/)
    expect(seen).toEqual([])
    // The run's own folder a file: the same, with its name.
    await expect(probeCheckpointDir(file)).rejects.toThrow(`${file} is a file, not a folder`)
  })

  it.each([
    ['EROFS', 'the file system is mounted read-only'],
    ['EACCES', 'folder is read-only or not writable by this user'],
    ['ENOSPC', 'the disk is full'],
  ])('says %s in words when the probe write fails, and leaves no probe file', async (code, words) => {
    const dir = freshDir()
    const failing = async (): Promise<void> => {
      throw Object.assign(new Error(`${code}: write failed`), { code })
    }
    await expect(probeCheckpointDir(dir, failing)).rejects.toThrow(`cannot save checkpoints in ${path.dirname(dir)}: ${words}`)
    expect(await fs.readdir(path.dirname(dir))).toEqual([])
  })
})
