// Runs one training job (pretraining or finetuning) from its validated description: picks the backend,
// builds or resumes the model, trains with per-epoch checkpoints, and reports through `emit`.
import * as tf from '@tensorflow/tfjs'
import os from 'node:os'
import { AppError } from '../../../shared/errors'
import type { EpochMetrics, FromWorker, TrainingData, TrainingJob } from '../../../shared/training-protocol'
import { trainingJobSchema } from '../../../shared/training-schemas'
import { adam } from './adam'
import { selectBackend } from './backend'
import { type BestEpoch, dropPreviousCheckpoint, keepBestCheckpoint, readBestEpoch, type Restored, resumeCheckpoint, saveBestCheckpoint, saveCheckpoint } from './checkpoint'
import { probeCheckpointDir } from './checkpoint-folder'
import type { ImageSource } from './data/source'
import { stepsPerEpoch, type TrainCallbacks, type TrainConfig, train } from './loop'
import type { SegmentationEval } from './metrics/evaluate'
import { type HealthInput, healthIndices } from './metrics/ssl-monitor'
import { buildSimclrModel } from './models/projection-head'
import { buildUnet, setEncoderTrainable } from './models/unet'
import { loadEncoderWeights } from './models/weights-io'
import type { Objective } from './objectives'

export function parseJob(input: unknown): TrainingJob {
  const r = trainingJobSchema.safeParse(input)
  if (!r.success) throw new AppError('BAD_INPUT', `bad training job: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  const job = r.data
  if (job.phase === 'pretrain' && job.method === 'none') throw new AppError('BAD_INPUT', 'pretraining needs a method: simclr, mae-patch, mae-pixel or mae-none')
  return job
}

export function dataSource(d: TrainingData): ImageSource {
  const px = d.size * d.size
  if (d.images.byteLength !== d.count * px * 3) throw new AppError('BAD_INPUT', `image buffer holds ${d.images.byteLength} bytes, expected ${d.count}×${d.size}×${d.size}×3`)
  if (d.trimaps && d.trimaps.byteLength !== d.count * px) throw new AppError('BAD_INPUT', `trimap buffer holds ${d.trimaps.byteLength} bytes, expected ${d.count}×${d.size}×${d.size}`)
  const images = new Uint8Array(d.images)
  const trimaps = d.trimaps ? new Uint8Array(d.trimaps) : null
  return {
    size: d.size,
    count: d.count,
    image: (i) => images.subarray(i * px * 3, (i + 1) * px * 3),
    trimap: trimaps ? (i) => trimaps.subarray(i * px, (i + 1) * px) : undefined,
  }
}

export function objectiveOf(job: TrainingJob): Objective {
  if (job.phase === 'finetune') return { kind: 'segment' }
  if (job.method === 'simclr') return { kind: 'simclr', viewSize: job.simclr.viewSize, temperature: job.simclr.temperature, augment: job.simclr.augment }
  return { kind: 'mae', mask: job.method === 'mae-patch' ? 'patch' : job.method === 'mae-pixel' ? 'pixel' : 'none' }
}

function freshModel(job: TrainingJob): tf.LayersModel {
  const { channels, skips } = job.model
  if (job.phase === 'pretrain' && job.method === 'simclr') {
    return buildSimclrModel(buildUnet({ inputSize: job.simclr.viewSize, channels, skips, outChannels: 3, outActivation: 'softmax' }), channels)
  }
  const out = job.phase === 'finetune' ? 'softmax' : 'sigmoid'
  return buildUnet({ inputSize: job.model.inputSize, channels, skips, outChannels: 3, outActivation: out })
}

/** The batch SSL health is measured on: the one sent with the data, else a seeded subset of the training images. */
export function healthInput(job: TrainingJob, data: TrainingData, src: ImageSource): HealthInput | undefined {
  if (job.phase !== 'pretrain') return undefined
  const h = data.health
  if (!h) return { source: src, indices: healthIndices(job.trainIndices, job.seed) }
  const source = dataSource({ size: data.size, count: h.count, images: h.images, trimaps: h.trimaps })
  return { source, indices: Array.from({ length: h.count }, (_, i) => i) }
}

export const toEpochMetrics = (m?: SegmentationEval): EpochMetrics | null =>
  m ? { f1: m.paper.f1, jaccard: m.paper.jaccard, ...m.pooled, evalBatch: m.batchSize } : null

/** The model and optimizer to train: from the run's last good checkpoint, or fresh (with a pretrained encoder). */
async function startingPoint(job: TrainingJob, objective: Objective): Promise<{ model: tf.LayersModel; optimizer: tf.Optimizer; resume: Restored | null }> {
  const fit = { epochs: job.epochs, stepsPerEpoch: stepsPerEpoch(objective, job.trainIndices.length, job.batchSize) }
  const resume = job.resume ? await resumeCheckpoint(job.checkpointDir, fit) : null
  const model = resume?.model ?? freshModel(job)
  if (!resume && job.encoderFrom) await loadEncoderWeights(model, job.encoderFrom)
  if (job.phase === 'finetune') setEncoderTrainable(model, !job.model.frozenEncoder)
  const optimizer = adam(job.learningRate)
  if (resume) await resume.restoreOptimizer(optimizer)
  return { model, optimizer, resume }
}

export async function runJob(input: unknown, data: TrainingData, emit: (m: FromWorker) => void, signal?: AbortSignal): Promise<void> {
  const job = parseJob(input)
  const src = dataSource(data)
  if (job.model.inputSize !== src.size) throw new AppError('BAD_INPUT', `model input ${job.model.inputSize} differs from the data's ${src.size}×${src.size} images`)
  if (job.phase === 'finetune' && !data.trimaps) throw new AppError('BAD_INPUT', 'finetuning needs trimaps, and the dataset sent none')
  // A checkpoint that cannot be written should fail the run now, not after its first epoch.
  await probeCheckpointDir(job.checkpointDir)
  const backend = await selectBackend({ force: job.backend, wasmThreads: job.wasmThreads ?? os.cpus().length })
  const objective = objectiveOf(job)
  const { model, optimizer, resume } = await startingPoint(job, objective)
  const startEpoch = resume?.progress.epochsDone ?? 0
  emit({ type: 'ready', backend, resumedFromEpoch: startEpoch })
  const cfg: TrainConfig = {
    objective, epochs: job.epochs, batchSize: job.batchSize, seed: job.seed,
    trainIndices: job.trainIndices, evalIndices: job.evalIndices, startEpoch, optimizer, health: healthInput(job, data, src),
  }
  // Only a finetune has held-out foreground IoU to choose an epoch by (planning refuses it for pretraining).
  const keepBest = job.phase === 'finetune' && job.keep === 'best'
  const st: JobState = { steps: resume?.progress.steps ?? 0, metrics: null, keepBest, best: keepBest ? await readBestEpoch(job.checkpointDir, startEpoch) : null }
  const res = await train(model, src, cfg, {
    signal,
    onStep: (e) => {
      st.steps += 1
      emit({ type: 'step', ...e })
    },
    onEpoch: epochSaver(job, model, st, emit),
  })
  // A checkpoint from before encoders were saved with the last epoch, resumed with nothing left to train.
  if (job.phase === 'pretrain' && !res.cancelled && resume && startEpoch >= job.epochs) {
    await saveCheckpoint(job.checkpointDir, model, optimizer, resume.progress, { encoder: true })
  }
  if (!res.cancelled && st.best) st.metrics = await finishOnBest(job.checkpointDir, st.best, res.epochsDone, emit)
  if (!res.cancelled) await dropPreviousCheckpoint(job.checkpointDir)
  emit({ type: 'done', cancelled: res.cancelled, epochsDone: res.epochsDone, steps: st.steps, lastLoss: res.lastLoss, metrics: st.metrics })
}

interface JobState {
  steps: number
  /** The last epoch's held-out metrics (the best epoch's once a run keeping it ends). */
  metrics: EpochMetrics | null
  keepBest: boolean
  best: BestEpoch | null
}

/** After each epoch: report it, keep it as the best so far where asked, and checkpoint it. */
function epochSaver(job: TrainingJob, model: tf.LayersModel, st: JobState, emit: (m: FromWorker) => void): TrainCallbacks['onEpoch'] {
  return async (e, opt) => {
    const metrics = (st.metrics = toEpochMetrics(e.metrics))
    emit({ type: 'epoch', epoch: e.epoch, epochs: e.epochs, meanLoss: e.meanLoss, seconds: e.seconds, etaSeconds: e.etaSeconds, metrics, health: e.health ?? null })
    const progress = { epochsDone: e.epoch + 1, steps: st.steps, lastLoss: e.meanLoss }
    // The best copy is saved before the run's own checkpoint: a stop between the two resumes this
    // epoch, and readBestEpoch then falls back to the previous best.
    if (st.keepBest && metrics && (!st.best || metrics.foregroundIou > st.best.metrics.foregroundIou)) {
      st.best = { epoch: e.epoch + 1, metrics }
      await saveBestCheckpoint(job.checkpointDir, model, opt, progress, st.best)
    }
    // A pretraining run's last checkpoint carries the encoder its finetunes start from.
    const encoder = job.phase === 'pretrain' && e.epoch + 1 === job.epochs
    await saveCheckpoint(job.checkpointDir, model, opt, progress, { encoder })
    emit({ type: 'checkpoint', epoch: e.epoch, dir: job.checkpointDir })
  }
}

/** The run ends on its best epoch: that checkpoint in place (announced, so the worker pool fetches it) and its metrics. */
async function finishOnBest(dir: string, best: BestEpoch, epochsDone: number, emit: (m: FromWorker) => void): Promise<EpochMetrics> {
  await keepBestCheckpoint(dir, best, epochsDone)
  if (best.epoch !== epochsDone) emit({ type: 'checkpoint', epoch: best.epoch - 1, dir })
  return { ...best.metrics, bestEpoch: best.epoch }
}
