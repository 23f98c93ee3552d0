// Per-epoch checkpoints of a run: the model in tfjs layers format, Adam's state and the progress, so a
// cancelled or crashed run resumes at the epoch it last finished.
import * as tf from '@tensorflow/tfjs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { AppError } from '../../shared/errors'
import { loadModel, loadNamedTensors, saveModel, saveNamedTensors } from './models/weights-io'

export interface Progress {
  epochsDone: number
  steps: number
  lastLoss: number
}

export async function saveCheckpoint(dir: string, model: tf.LayersModel, optimizer: tf.Optimizer, progress: Progress): Promise<void> {
  // Written to a temporary folder and renamed, so a crash mid-write leaves the previous checkpoint.
  const tmp = `${dir}.tmp-${process.pid}`
  await fs.rm(tmp, { recursive: true, force: true })
  await saveModel(model, tmp)
  const state = await optimizer.getWeights()
  const named: tf.NamedTensorMap = {}
  // Adam restores its slots by position, so the keys keep the order.
  state.forEach((w, i) => (named[`${String(i).padStart(5, '0')}:${w.name}`] = w.tensor))
  await saveNamedTensors(tmp, 'optimizer', named)
  await fs.writeFile(path.join(tmp, 'progress.json'), JSON.stringify(progress))
  await fs.mkdir(dir, { recursive: true })
  for (const f of await fs.readdir(tmp)) await fs.rename(path.join(tmp, f), path.join(dir, f))
  await fs.rm(tmp, { recursive: true, force: true })
}

export async function hasCheckpoint(dir: string): Promise<boolean> {
  return fs.access(path.join(dir, 'progress.json')).then(
    () => true,
    () => false,
  )
}

export interface Restored {
  model: tf.LayersModel
  progress: Progress
  /** Call with the fresh optimizer after the model's trainable flags are final. */
  restoreOptimizer(optimizer: tf.Optimizer): Promise<void>
}

export async function loadCheckpoint(dir: string): Promise<Restored> {
  let progress: Progress
  try {
    progress = JSON.parse(await fs.readFile(path.join(dir, 'progress.json'), 'utf8')) as Progress
  } catch (err) {
    throw new AppError('NOT_FOUND', `no checkpoint to resume in ${dir}: ${(err as Error).message}`)
  }
  const model = await loadModel(dir)
  return {
    model,
    progress,
    async restoreOptimizer(optimizer) {
      const named = await loadNamedTensors(dir, 'optimizer')
      const keys = Object.keys(named).sort()
      await optimizer.setWeights(keys.map((k) => ({ name: k.slice(6), tensor: named[k]! })))
      tf.dispose(Object.values(named))
    },
  }
}
