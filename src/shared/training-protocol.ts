// Messages between the main process and the training worker (worker_threads), as tagged unions
// validated with zod on arrival. Pixel data travels as transferred ArrayBuffers, never as JSON.
import { z } from 'zod'
import type { WireError } from './errors'

export const PRETRAIN_METHODS = ['simclr', 'mae-patch', 'mae-pixel', 'mae-none'] as const
export type PretrainMethod = (typeof PRETRAIN_METHODS)[number]
export const BACKEND_NAMES = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const

const positiveInt = z.number().int().positive()

export const trainingJobSchema = z.object({
  runId: z.string().min(1),
  /** pretrain: `method` is the self-supervised objective; finetune: Dice on trimaps. */
  phase: z.enum(['pretrain', 'finetune']),
  method: z.enum([...PRETRAIN_METHODS, 'none']),
  model: z.object({
    inputSize: positiveInt,
    channels: z.array(positiveInt).min(1),
    skips: z.boolean(),
    frozenEncoder: z.boolean(),
  }),
  epochs: positiveInt,
  batchSize: positiveInt,
  learningRate: z.number().positive().default(1e-3),
  seed: z.number().int(),
  trainIndices: z.array(z.number().int().nonnegative()).min(1),
  evalIndices: z.array(z.number().int().nonnegative()).default([]),
  backend: z.enum(BACKEND_NAMES).optional(),
  wasmThreads: positiveInt.optional(),
  /** Checkpoints (model.json, weights.bin, optimizer.*, progress.json) and the final encoder go here. */
  checkpointDir: z.string().min(1),
  /** Finetune: a folder holding encoder.json/.bin from a pretraining run. */
  encoderFrom: z.string().nullable().default(null),
  /** Continue from the last checkpoint in checkpointDir. */
  resume: z.boolean().default(false),
  simclr: z.object({ viewSize: positiveInt, temperature: z.number().positive() }).default({ viewSize: 64, temperature: 0.2 }),
})
export type TrainingJob = z.infer<typeof trainingJobSchema>
export type TrainingJobInput = z.input<typeof trainingJobSchema>

/** Decoded pixels: `count` square RGB images of side `size` back to back; trimaps likewise (1 byte/px). */
export interface TrainingData {
  size: number
  count: number
  images: ArrayBuffer
  trimaps: ArrayBuffer | null
}

export type ToWorker =
  | { type: 'start'; job: TrainingJobInput; data: TrainingData }
  | { type: 'cancel' }
  /** Which backend a job would get now (a fresh worker loads it, answers 'backend' and exits). */
  | { type: 'probe'; backend?: (typeof BACKEND_NAMES)[number]; wasmThreads?: number }
  /** Load a finetuned checkpoint for prediction; the worker answers 'predictReady', then serves batches. */
  | { type: 'predict'; checkpointDir: string; backend?: (typeof BACKEND_NAMES)[number]; wasmThreads?: number }
  /** `count` RGB images of the model's input size back to back; answered by 'predicted' with the same batch. */
  | { type: 'predictBatch'; batch: number; count: number; images: ArrayBuffer }
  /** No more batches: the worker frees the model and exits. */
  | { type: 'predictEnd' }

export interface BackendReport {
  name: string
  threads: number
  attempts: { backend: string; ok: boolean; reason: string }[]
}

export interface EpochMetrics {
  f1: number
  jaccard: number
  iou: (number | null)[]
  meanIou: number
  foregroundIou: number
  pixelAccuracy: number
}

export type FromWorker =
  | { type: 'ready'; backend: BackendReport; resumedFromEpoch: number }
  | { type: 'step'; epoch: number; step: number; stepsPerEpoch: number; loss: number; imgPerSec: number }
  | { type: 'epoch'; epoch: number; epochs: number; meanLoss: number; seconds: number; etaSeconds: number; metrics: EpochMetrics | null }
  | { type: 'checkpoint'; epoch: number; dir: string }
  | { type: 'done'; cancelled: boolean; epochsDone: number; steps: number; lastLoss: number; metrics: EpochMetrics | null }
  | { type: 'error'; error: WireError }
  | { type: 'backend'; backend: BackendReport }
  | { type: 'predictReady'; backend: BackendReport; inputSize: number }
  /**
   * classes: count × size² class ids (1/2/3, one byte each); confidence: per image, the mean over its
   * pixels of the largest softmax probability.
   */
  | { type: 'predicted'; batch: number; classes: ArrayBuffer; confidence: number[] }

export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    job: z.unknown(),
    data: z.object({
      size: positiveInt,
      count: positiveInt,
      images: z.instanceof(ArrayBuffer),
      trimaps: z.instanceof(ArrayBuffer).nullable(),
    }),
  }),
  z.object({ type: z.literal('cancel') }),
  z.object({ type: z.literal('probe'), backend: z.enum(BACKEND_NAMES).optional(), wasmThreads: positiveInt.optional() }),
  z.object({ type: z.literal('predict'), checkpointDir: z.string().min(1), backend: z.enum(BACKEND_NAMES).optional(), wasmThreads: positiveInt.optional() }),
  z.object({ type: z.literal('predictBatch'), batch: z.number().int().nonnegative(), count: positiveInt, images: z.instanceof(ArrayBuffer) }),
  z.object({ type: z.literal('predictEnd') }),
])
