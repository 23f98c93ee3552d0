// The training loop shared by pretraining and finetuning: seeded epochs of Adam steps, each step in
// tf.tidy, progress callbacks, optional held-out evaluation, and cancellation between steps.
import * as tf from '@tensorflow/tfjs'
import { AppError } from '../../shared/errors'
import { deriveSeed } from './augment/random'
import { epochOrder, toBatches } from './data/sampling'
import { type Batch, batchTensors, disposeBatch, type HostBatch, type ImageSource, makeBatch, prepareBatch } from './data/source'
import { evaluateSegmentation, type SegmentationEval } from './metrics/evaluate'
import { type Objective, needsTrimaps, objectiveLoss } from './objectives'

export interface TrainConfig {
  objective: Objective
  epochs: number
  batchSize: number
  /** Adam learning rate (paper: 1e-3). */
  learningRate?: number
  seed: number
  trainIndices: number[]
  /** Segmentation only: images evaluated after every epoch. */
  evalIndices?: number[]
  /** Resume: epochs already done (their shuffles are skipped, the seeds stay the same). */
  startEpoch?: number
  /** Resume: an optimizer carrying restored state; a fresh Adam otherwise. */
  optimizer?: tf.Optimizer
}

export interface StepEvent {
  epoch: number
  step: number
  stepsPerEpoch: number
  loss: number
  imgPerSec: number
}

export interface EpochEvent {
  epoch: number
  epochs: number
  meanLoss: number
  seconds: number
  etaSeconds: number
  metrics?: SegmentationEval
}

export interface TrainCallbacks {
  onStep?(e: StepEvent): void
  /** Awaited, so a checkpoint written here is on disk before the next epoch starts. */
  onEpoch?(e: EpochEvent, optimizer: tf.Optimizer): void | Promise<void>
  signal?: AbortSignal
}

export interface TrainResult {
  epochsDone: number
  steps: number
  lastLoss: number
  cancelled: boolean
  optimizer: tf.Optimizer
}

export function validateTrainConfig(model: tf.LayersModel, data: ImageSource, cfg: TrainConfig): void {
  const bad = (m: string): never => {
    throw new AppError('BAD_INPUT', m)
  }
  if (!Number.isInteger(cfg.epochs) || cfg.epochs < 1) bad(`epochs must be a positive integer, got ${cfg.epochs}`)
  if (!Number.isInteger(cfg.batchSize) || cfg.batchSize < 1) bad(`batch size must be a positive integer, got ${cfg.batchSize}`)
  if (cfg.trainIndices.length === 0) bad('no training images')
  if (cfg.trainIndices.some((i) => !Number.isInteger(i) || i < 0 || i >= data.count)) bad('training index out of range of the data source')
  if (cfg.objective.kind === 'simclr' && Math.min(cfg.batchSize, cfg.trainIndices.length) < 2) bad('SimCLR needs at least 2 images per batch')
  if (needsTrimaps(cfg.objective) && !data.trimap) bad('finetuning needs trimaps, and this data source has none')
  const inSize = model.inputs[0]!.shape[1]
  const wantIn = cfg.objective.kind === 'simclr' ? cfg.objective.viewSize : data.size
  if (inSize !== null && inSize !== wantIn) bad(`model expects ${inSize}×${inSize} inputs, the data gives ${wantIn}×${wantIn}`)
}

// SimCLR drops a last batch of one image: it has no negatives.
const dropsLastBatch = (objective: Objective, images: number, batchSize: number): boolean => objective.kind === 'simclr' && images % batchSize === 1

/** Optimizer steps in one epoch of `images` training images (a resumed checkpoint's steps are checked against it). */
export function stepsPerEpoch(objective: Objective, images: number, batchSize: number): number {
  return dropsLastBatch(objective, images, batchSize) ? Math.floor(images / batchSize) : Math.ceil(images / batchSize)
}

export async function train(model: tf.LayersModel, data: ImageSource, cfg: TrainConfig, cb: TrainCallbacks = {}): Promise<TrainResult> {
  validateTrainConfig(model, data, cfg)
  const optimizer = cfg.optimizer ?? tf.train.adam(cfg.learningRate ?? 1e-3)
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const dropLast = dropsLastBatch(cfg.objective, cfg.trainIndices.length, cfg.batchSize)
  const result: TrainResult = { epochsDone: cfg.startEpoch ?? 0, steps: 0, lastLoss: NaN, cancelled: false, optimizer }
  const started = performance.now()
  for (let epoch = cfg.startEpoch ?? 0; epoch < cfg.epochs; epoch++) {
    const t0 = performance.now()
    const batches = toBatches(epochOrder(cfg.trainIndices, cfg.seed, epoch), cfg.batchSize, dropLast)
    let lossSum = 0
    const prepare = (s: number): HostBatch => prepareBatch(data, batches[s]!, needsTrimaps(cfg.objective))
    let host = prepare(0)
    for (let s = 0; s < batches.length; s++) {
      // On wasm a step settles in microtasks only, so without this macrotask turn the worker never
      // receives a 'cancel' message until the run ends.
      await new Promise<void>((resolve) => setImmediate(resolve))
      if (cb.signal?.aborted) return { ...result, cancelled: true }
      const ts = performance.now()
      const batch = batchTensors(host)
      let loss: number
      try {
        const pending = dispatchStep(model, batch, cfg.objective, optimizer, vars, deriveSeed(cfg.seed, epoch, s))
        try {
          // A GPU backend computes the step asynchronously: the next batch is copied meanwhile.
          if (s + 1 < batches.length) host = prepare(s + 1)
        } finally {
          loss = await readLoss(pending)
        }
      } finally {
        disposeBatch(batch)
      }
      if (!Number.isFinite(loss)) throw new AppError('INTERNAL', `loss became ${loss} at epoch ${epoch + 1}, step ${s + 1}`)
      lossSum += loss
      result.steps += 1
      result.lastLoss = loss
      const imgPerSec = (batches[s]!.length / (performance.now() - ts)) * 1000
      cb.onStep?.({ epoch, step: s, stepsPerEpoch: batches.length, loss, imgPerSec })
    }
    const metrics = cfg.evalIndices?.length && cfg.objective.kind === 'segment'
      ? await evaluateSegmentation(model, data, cfg.evalIndices, cfg.batchSize)
      : undefined
    result.epochsDone = epoch + 1
    const done = epoch + 1 - (cfg.startEpoch ?? 0)
    const elapsed = (performance.now() - started) / 1000
    const event: EpochEvent = {
      epoch, epochs: cfg.epochs, meanLoss: lossSum / batches.length, seconds: (performance.now() - t0) / 1000,
      etaSeconds: (elapsed / done) * (cfg.epochs - epoch - 1), metrics,
    }
    await cb.onEpoch?.(event, optimizer)
  }
  return result
}

/** One optimizer step; every intermediate tensor is freed before it returns. */
export async function trainStep(
  model: tf.LayersModel,
  data: ImageSource,
  indices: number[],
  objective: Objective,
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  seed: number,
): Promise<number> {
  const batch = makeBatch(data, indices, needsTrimaps(objective))
  try {
    return await stepOnBatch(model, batch, objective, optimizer, vars, seed)
  } finally {
    disposeBatch(batch)
  }
}

export async function stepOnBatch(
  model: tf.LayersModel,
  batch: Batch,
  objective: Objective,
  optimizer: tf.Optimizer,
  vars: tf.Variable[],
  seed: number,
): Promise<number> {
  return readLoss(dispatchStep(model, batch, objective, optimizer, vars, seed))
}

/** Queues one optimizer step on the backend; the returned loss is read with readLoss. */
function dispatchStep(model: tf.LayersModel, batch: Batch, objective: Objective, optimizer: tf.Optimizer, vars: tf.Variable[], seed: number): tf.Scalar {
  return tf.tidy(() => optimizer.minimize(() => objectiveLoss(model, batch, objective, seed), true, vars)!)
}

async function readLoss(loss: tf.Scalar): Promise<number> {
  try {
    return (await loss.data())[0]!
  } finally {
    loss.dispose()
  }
}
