// Per-epoch checkpoints of a run: the model in tfjs layers format, Adam's state and the progress, so a
// cancelled or crashed run resumes at the epoch it last finished. Each is one unit (checkpoint-folder.ts).
import * as tf from '@tensorflow/tfjs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import type { EpochMetrics } from '../../../shared/training-protocol'
import { bestOf, checkFolder, commitFolder, exists, type FileWriter, MANIFEST, prevOf, restorePrevious } from './checkpoint-folder'
import { encoderFiles, type Files, loadModel, loadNamedTensors, modelFiles, namedTensorFiles } from './models/weights-io'

export interface Progress {
  epochsDone: number
  steps: number
  lastLoss: number
}

const PROGRESS = 'progress.json'

const progressSchema = z.object({
  epochsDone: z.number().int().nonnegative(),
  steps: z.number().int().nonnegative(),
  lastLoss: z.number().refine(Number.isFinite, 'must be a finite number'),
})

export interface SaveOptions {
  /** Also the encoder weights a finetune starts from (a pretraining run's last checkpoint). */
  encoder?: boolean
  write?: FileWriter
  /** More files to keep with it (the best epoch's record). */
  extra?: Files
}

export async function saveCheckpoint(dir: string, model: tf.LayersModel, optimizer: tf.Optimizer, progress: Progress, opts: SaveOptions = {}): Promise<void> {
  const state = await optimizer.getWeights()
  const named: tf.NamedTensorMap = {}
  // Adam restores its slots by position, so the keys keep the order.
  state.forEach((w, i) => (named[`${String(i).padStart(5, '0')}:${w.name}`] = w.tensor))
  const files: Files = {
    ...(await modelFiles(model)),
    ...(await namedTensorFiles('optimizer', named)),
    ...(opts.encoder ? await encoderFiles(model) : {}),
    [PROGRESS]: new TextEncoder().encode(JSON.stringify(progress)),
    ...opts.extra,
  }
  await commitFolder(dir, files, opts.write)
}

/** Once a run is done it never resumes: its previous checkpoint is only disk space. */
export async function dropPreviousCheckpoint(dir: string): Promise<void> {
  await fs.rm(prevOf(dir), { recursive: true, force: true })
}

export interface Restored {
  model: tf.LayersModel
  progress: Progress
  /** Call with the fresh optimizer after the model's trainable flags are final. */
  restoreOptimizer(optimizer: tf.Optimizer): Promise<void>
}

/** What the resuming run expects of a checkpoint's progress. */
export interface ResumeFit {
  epochs: number
  stepsPerEpoch: number
}

/**
 * The run's last good checkpoint: dir, or the previous one when dir is damaged (which then takes dir's
 * place). Null when there is none; an error naming each folder and its fault when none is good.
 */
export async function resumeCheckpoint(dir: string, fit: ResumeFit): Promise<Restored | null> {
  const problems: string[] = []
  for (const candidate of [dir, prevOf(dir)]) {
    if (!(await hasCheckpointFiles(candidate))) continue
    const problem = (await checkFolder(candidate, PROGRESS)) ?? (await openCheckpoint(candidate, fit))
    if (typeof problem === 'string') {
      problems.push(`${candidate}: ${problem}`)
      continue
    }
    if (candidate !== dir) {
      const why = problems.length ? `checkpoint ${problems.join('; ')}` : `${dir} is missing (a save was cut short)`
      console.warn(`${why}; resuming from the previous checkpoint ${candidate}`)
      await restorePrevious(dir)
    }
    return problem
  }
  if (problems.length === 0) return null
  throw new AppError('BAD_INPUT', `cannot resume: no good checkpoint (${problems.join('; ')}); retry the run to start it afresh`)
}

async function hasCheckpointFiles(dir: string): Promise<boolean> {
  return (await exists(path.join(dir, MANIFEST))) || (await exists(path.join(dir, PROGRESS)))
}

/** The checkpoint in dir loaded (optimizer state read now, so dir may move), or what is wrong with it. */
async function openCheckpoint(dir: string, fit: ResumeFit): Promise<Restored | string> {
  const progress = await readProgress(dir, fit)
  if (typeof progress === 'string') return progress
  let model: tf.LayersModel | undefined
  let named: tf.NamedTensorMap
  try {
    model = await loadModel(dir)
    named = await loadNamedTensors(dir, 'optimizer')
  } catch (err) {
    model?.dispose()
    return (err as Error).message
  }
  return {
    model,
    progress,
    async restoreOptimizer(optimizer) {
      const keys = Object.keys(named).sort()
      try {
        await optimizer.setWeights(keys.map((k) => ({ name: k.slice(6), tensor: named[k]! })))
      } catch (err) {
        throw new AppError('BAD_INPUT', `the optimizer state in checkpoint ${dir} does not fit the model: ${(err as Error).message}`)
      } finally {
        tf.dispose(Object.values(named))
      }
    },
  }
}

/** progress.json checked against the run: epochs within the run's, steps matching them, a finite loss. */
async function readProgress(dir: string, fit: ResumeFit): Promise<Progress | string> {
  let raw: unknown
  try {
    raw = JSON.parse(await fs.readFile(path.join(dir, PROGRESS), 'utf8'))
  } catch (err) {
    return `${PROGRESS} cannot be read: ${(err as Error).message}`
  }
  const r = progressSchema.safeParse(raw)
  if (!r.success) return `${PROGRESS} is malformed (${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`
  const p = r.data
  if (p.epochsDone > fit.epochs) return `${PROGRESS} says ${p.epochsDone} epochs are done, but the run has ${fit.epochs}`
  if (p.steps !== p.epochsDone * fit.stepsPerEpoch) {
    return `${PROGRESS} says ${p.steps} steps for ${p.epochsDone} epochs, but this run takes ${fit.stepsPerEpoch} steps an epoch`
  }
  return p
}

/** The epoch a run keeping its best epoch holds (1-based), with its held-out metrics. */
export interface BestEpoch {
  epoch: number
  metrics: EpochMetrics
}

const BEST = 'best.json'
const bestSchema = z.object({
  epoch: z.number().int().positive(),
  metrics: z.looseObject({ foregroundIou: z.number() }),
})

/** Keeps this epoch's checkpoint as the best so far (beside the run's own, which resumes it). */
export async function saveBestCheckpoint(dir: string, model: tf.LayersModel, optimizer: tf.Optimizer, progress: Progress, best: BestEpoch): Promise<void> {
  const extra = { [BEST]: new TextEncoder().encode(JSON.stringify(best)) }
  await saveCheckpoint(bestOf(dir), model, optimizer, progress, { extra })
}

/**
 * The best epoch kept so far, for a run resuming after `epochsDone` epochs; null when there is none,
 * or when it is from an epoch the resume trains again (it was kept, then the run stopped before its
 * own checkpoint was saved).
 */
export async function readBestEpoch(dir: string, epochsDone: number): Promise<BestEpoch | null> {
  for (const candidate of [bestOf(dir), prevOf(bestOf(dir))]) {
    try {
      const r = bestSchema.safeParse(JSON.parse(await fs.readFile(path.join(candidate, BEST), 'utf8')))
      if (r.success && r.data.epoch <= epochsDone) return r.data as BestEpoch
    } catch {
      // Missing or unreadable: try the previous best, else train on as if none was kept.
    }
  }
  return null
}

/**
 * A finished run that keeps its best epoch: that epoch's checkpoint replaces the last one (so export
 * and predictions use it), and the best-epoch folders go. Nothing is copied when the last epoch is the best.
 */
export async function keepBestCheckpoint(dir: string, best: BestEpoch, lastEpoch: number): Promise<void> {
  if (best.epoch !== lastEpoch) {
    const from = bestOf(dir)
    const problem = await checkFolder(from, PROGRESS)
    if (problem) throw new AppError('IO_ERROR', `the best epoch's checkpoint ${from} is damaged: ${problem}`)
    const files: Files = {}
    for (const name of await fs.readdir(from)) if (name !== MANIFEST) files[name] = new Uint8Array(await fs.readFile(path.join(from, name)))
    await commitFolder(dir, files)
  }
  for (const d of [bestOf(dir), prevOf(bestOf(dir))]) await fs.rm(d, { recursive: true, force: true })
}
