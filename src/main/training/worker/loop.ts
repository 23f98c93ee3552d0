// The training loop shared by pretraining and finetuning: seeded epochs of Adam steps, each step in
// tf.tidy, progress callbacks, optional held-out evaluation, and cancellation between steps.
import * as tf from '@tensorflow/tfjs'
import { AppError } from '../../../shared/errors'
import type { SslHealth } from '../../../shared/training-protocol'
import { adam } from './adam'
import { deriveSeed } from './augment/random'
import { epochOrder, toBatches } from './data/sampling'
import { type Batch, batchTensors, disposeBatch, type HostBatch, type ImageSource, makeBatch, prepareBatch } from './data/source'
import { throwOnGpuFault } from './gpu-faults'
import { evaluateSegmentation, type SegmentationEval } from './metrics/evaluate'
import { type HealthInput, type HealthMonitor, makeHealthMonitor } from './metrics/ssl-monitor'
import { type Objective, needsTrimaps, objectiveInput, objectiveLoss } from './objectives'

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
  /** Pretraining only: the fixed batch SSL health is measured on after every epoch. */
  health?: HealthInput
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
  health?: SslHealth
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
  const monitor = cfg.health?.indices.length && cfg.objective.kind !== 'segment' ? makeHealthMonitor(model, cfg.objective, cfg.health) : null
  try {
    return await trainEpochs(model, data, cfg, cb, monitor)
  } finally {
    monitor?.dispose()
  }
}

async function trainEpochs(model: tf.LayersModel, data: ImageSource, cfg: TrainConfig, cb: TrainCallbacks, monitor: HealthMonitor | null): Promise<TrainResult> {
  const optimizer = cfg.optimizer ?? adam(cfg.learningRate ?? 1e-3)
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
  const dropLast = dropsLastBatch(cfg.objective, cfg.trainIndices.length, cfg.batchSize)
  const result: TrainResult = { epochsDone: cfg.startEpoch ?? 0, steps: 0, lastLoss: NaN, cancelled: false, optimizer }
  const started = performance.now()
  for (let epoch = cfg.startEpoch ?? 0; epoch < cfg.epochs; epoch++) {
    const t0 = performance.now()
    const batches = toBatches(epochOrder(cfg.trainIndices, cfg.seed, epoch), cfg.batchSize, dropLast)
    const lossSum = await runSteps(model, data, cfg, batches, epoch, { optimizer, vars, result, cb })
    if (lossSum === null) return { ...result, cancelled: true }
    const metrics = cfg.evalIndices?.length && cfg.objective.kind === 'segment'
      ? await evaluateSegmentation(model, data, cfg.evalIndices)
      : undefined
    const health = monitor?.measure(lossSum / batches.length, batches.map((b) => b.length))
    result.epochsDone = epoch + 1
    const done = epoch + 1 - (cfg.startEpoch ?? 0)
    const elapsed = (performance.now() - started) / 1000
    const event: EpochEvent = {
      epoch, epochs: cfg.epochs, meanLoss: lossSum / batches.length, seconds: (performance.now() - t0) / 1000,
      etaSeconds: (elapsed / done) * (cfg.epochs - epoch - 1), metrics, health,
    }
    await cb.onEpoch?.(event, optimizer)
  }
  return result
}

interface StepContext {
  optimizer: tf.Optimizer
  vars: tf.Variable[]
  result: TrainResult
  cb: TrainCallbacks
}

/**
 * One epoch's steps; the sum of their losses, or null when cancelled. Each step's loss is read a step
 * behind: its read starts as soon as the step is queued and is awaited after the next one is queued, so
 * a GPU always has a step to run (awaiting it at once drains the queue while the host prepares the next
 * step). The losses are reported as before, in order; a non-finite loss stops the run after one more
 * step was queued, and a cancel lets the step already queued finish and be reported.
 */
async function runSteps(model: tf.LayersModel, data: ImageSource, cfg: TrainConfig, batches: number[][], epoch: number, ctx: StepContext): Promise<number | null> {
  let lossSum = 0
  let mark = performance.now()
  const report = async (p: { loss: Promise<number>; step: number }): Promise<void> => {
    const loss = await p.loss
    if (!Number.isFinite(loss)) throw new AppError('INTERNAL', `loss became ${loss} at epoch ${epoch + 1}, step ${p.step + 1}`)
    lossSum += loss
    ctx.result.steps += 1
    ctx.result.lastLoss = loss
    // Steady-state throughput: images per interval between reports (a step's own span overlaps the next).
    const now = performance.now()
    ctx.cb.onStep?.({ epoch, step: p.step, stepsPerEpoch: batches.length, loss, imgPerSec: (batches[p.step]!.length / (now - mark)) * 1000 })
    mark = now
  }
  const prepare = (s: number): HostBatch => prepareBatch(data, batches[s]!, needsTrimaps(cfg.objective))
  // Steps queued whose losses are not reported yet: at most two, the older one reported next.
  const inFlight: { loss: Promise<number>; step: number }[] = []
  let cancelled = false
  try {
    let host = prepare(0)
    for (let s = 0; s < batches.length; s++) {
      // On wasm a step settles in microtasks only, so without this macrotask turn the worker never
      // receives a 'cancel' message until the run ends.
      await new Promise<void>((resolve) => setImmediate(resolve))
      cancelled = ctx.cb.signal?.aborted === true
      if (cancelled) break
      const batch = batchTensors(host)
      try {
        const loss = readLoss(dispatchStep(model, batch, cfg.objective, ctx.optimizer, ctx.vars, deriveSeed(cfg.seed, epoch, s)), `by epoch ${epoch + 1}, step ${s + 1}`)
        // Handled here so that a read failing before it is awaited is not an unhandled rejection (which ends a worker).
        loss.catch(() => undefined)
        inFlight.push({ loss, step: s })
      } finally {
        // Freed once the queued step that reads it has run.
        disposeBatch(batch)
      }
      // A GPU backend computes the step asynchronously: the next batch is copied meanwhile.
      if (s + 1 < batches.length) host = prepare(s + 1)
      if (inFlight.length > 1) await report(inFlight.shift()!)
    }
    while (inFlight.length) await report(inFlight.shift()!)
  } finally {
    // After a failure, the steps still in flight are awaited so that their loss tensors are freed.
    await Promise.all(inFlight.map((p) => p.loss.catch(() => undefined)))
  }
  return cancelled ? null : lossSum
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
  return readLoss(dispatchStep(model, batch, objective, optimizer, vars, seed), 'in a training step')
}

/** Queues one optimizer step on the backend; the returned loss is read with readLoss. */
function dispatchStep(model: tf.LayersModel, batch: Batch, objective: Objective, optimizer: tf.Optimizer, vars: tf.Variable[], seed: number): tf.Scalar {
  return tf.tidy(() => {
    const input = objectiveInput(batch, objective, seed)
    return optimizer.minimize(() => objectiveLoss(model, batch, objective, input), true, vars)!
  })
}

/** The loss's value once the step has run; `where` names the step should the GPU have failed in it. */
async function readLoss(loss: tf.Scalar, where: string): Promise<number> {
  try {
    const value = (await loss.data())[0]!
    throwOnGpuFault(where)
    return value
  } finally {
    loss.dispose()
  }
}
