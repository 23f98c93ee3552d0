// Runs one training job (pretraining or finetuning) from its validated description: picks the backend,
// builds or resumes the model, trains with per-epoch checkpoints, and reports through `emit`.
import * as tf from '@tensorflow/tfjs'
import os from 'node:os'
import { AppError } from '../../shared/errors'
import { type EpochMetrics, type FromWorker, type TrainingData, type TrainingJob, trainingJobSchema } from '../../shared/training-protocol'
import { adam } from './adam'
import { selectBackend } from './backend'
import { dropPreviousCheckpoint, type Restored, resumeCheckpoint, saveCheckpoint } from './checkpoint'
import { probeCheckpointDir } from './checkpoint-folder'
import type { ImageSource } from './data/source'
import { stepsPerEpoch, type TrainConfig, train } from './loop'
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
  let steps = resume?.progress.steps ?? 0
  let metrics: EpochMetrics | null = null
  const res = await train(model, src, cfg, {
    signal,
    onStep: (e) => {
      steps += 1
      emit({ type: 'step', ...e })
    },
    onEpoch: async (e, opt) => {
      metrics = toEpochMetrics(e.metrics)
      emit({ type: 'epoch', epoch: e.epoch, epochs: e.epochs, meanLoss: e.meanLoss, seconds: e.seconds, etaSeconds: e.etaSeconds, metrics, health: e.health ?? null })
      // A pretraining run's last checkpoint carries the encoder its finetunes start from.
      const encoder = job.phase === 'pretrain' && e.epoch + 1 === job.epochs
      await saveCheckpoint(job.checkpointDir, model, opt, { epochsDone: e.epoch + 1, steps, lastLoss: e.meanLoss }, { encoder })
      emit({ type: 'checkpoint', epoch: e.epoch, dir: job.checkpointDir })
    },
  })
  // A checkpoint from before encoders were saved with the last epoch, resumed with nothing left to train.
  if (job.phase === 'pretrain' && !res.cancelled && resume && startEpoch >= job.epochs) {
    await saveCheckpoint(job.checkpointDir, model, optimizer, resume.progress, { encoder: true })
  }
  if (!res.cancelled) await dropPreviousCheckpoint(job.checkpointDir)
  emit({ type: 'done', cancelled: res.cancelled, epochsDone: res.epochsDone, steps, lastLoss: res.lastLoss, metrics })
}
