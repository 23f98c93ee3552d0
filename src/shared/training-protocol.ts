// Messages between the main process and the training worker (worker_threads), as tagged unions
// validated with zod on arrival. Pixel data travels as transferred ArrayBuffers, never as JSON.
import { z } from 'zod'
import type { WireError } from './errors'

export const PRETRAIN_METHODS = ['simclr', 'mae-patch', 'mae-pixel', 'mae-none'] as const
export type PretrainMethod = (typeof PRETRAIN_METHODS)[number]
export const BACKEND_NAMES = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'] as const
/** A tfjs backend, in the order the automatic choice tries them. */
export type BackendName = (typeof BACKEND_NAMES)[number]

const positiveInt = z.number().int().positive()
const probability = z.number().min(0).max(1)

/**
 * SimCLR's augmentation (§2.3) in torchvision's terms: RandomResizedCrop(scale, ratio), horizontal
 * flip, ColorJitter(brightness, contrast, saturation, hue) applied with probability jitterProb, its four
 * adjustments in a random order per image, then RandomGrayscale(grayProb). Recorded with each run.
 */
export const simclrAugmentSchema = z.strictObject({
  scale: z.tuple([z.number().gt(0).max(1), z.number().gt(0).max(1)]),
  ratio: z.tuple([z.number().positive(), z.number().positive()]),
  flipProb: probability,
  jitterProb: probability,
  brightness: z.number().min(0),
  contrast: z.number().min(0),
  saturation: z.number().min(0),
  /** Fraction of a turn of the HSV hue circle; torchvision allows at most 0.5. */
  hue: z.number().min(0).max(0.5),
  /** Always 'random': torchvision draws fn_idx = randperm(4) for every image. */
  jitterOrder: z.literal('random'),
  grayProb: probability,
})
export type SimclrAugment = z.infer<typeof simclrAugmentSchema>

/**
 * The paper's values (crop, flip, jitter 0.8/0.8/0.8/0.2) with torchvision's crop defaults. The paper
 * gives no jitter probability: 0.8 is SimCLR's (Chen et al. 2020), whose recipe the paper follows;
 * grayscale is off because the paper does not list it (SimCLR's own recipe has it at 0.2).
 */
export const PAPER_SIMCLR_AUGMENT: SimclrAugment = {
  scale: [0.08, 1],
  ratio: [3 / 4, 4 / 3],
  flipProb: 0.5,
  jitterProb: 0.8,
  brightness: 0.8,
  contrast: 0.8,
  saturation: 0.8,
  hue: 0.2,
  jitterOrder: 'random',
  grayProb: 0,
}

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
  simclr: z
    .object({ viewSize: positiveInt, temperature: z.number().positive(), augment: simclrAugmentSchema.default(PAPER_SIMCLR_AUGMENT) })
    .default({ viewSize: 64, temperature: 0.2, augment: PAPER_SIMCLR_AUGMENT }),
})
export type TrainingJob = z.infer<typeof trainingJobSchema>
export type TrainingJobInput = z.input<typeof trainingJobSchema>

/** Decoded pixels: `count` square RGB images of side `size` back to back; trimaps likewise (1 byte/px). */
export interface TrainingData {
  size: number
  count: number
  images: ArrayBuffer
  trimaps: ArrayBuffer | null
  /**
   * Pretraining: the fixed batch its SSL health is measured on each epoch (same size as the images),
   * with trimaps where it has labels. Absent: a seeded subset of the training images, unlabelled.
   */
  health?: HealthData | null
}

/**
 * Images per held-out evaluation batch. The paper averages F1/Jaccard over batches (§2.7), so this
 * size changes them; it is fixed, independent of the training batch, and recorded as evalBatch.
 */
export const EVAL_BATCH = 32

/** Images in a pretraining's health batch: enough for a stable per-dimension std, cheap next to an epoch. */
export const HEALTH_BATCH = 32

export interface HealthData {
  count: number
  images: ArrayBuffer
  trimaps: ArrayBuffer | null
}

/**
 * Self-supervised health of one pretraining epoch, measured on the fixed health batch.
 * embeddingStd: per-dimension std of the L2-normalised embeddings, averaged over dimensions (SimCLR:
 *   the projections; MAE: the global-average-pooled bottleneck); ≈ 1/√d when spread, 0 when collapsed.
 * deadChannels: fraction of bottleneck channels whose ReLU output is 0 for every image of the batch.
 * probe: foreground IoU of a 1-nearest-neighbour label transfer on bottleneck features, null unlabelled.
 * allSameLoss: SimCLR's epoch loss if every image had the same projection (mean of log(2n−1) over the
 *   epoch's batches of n images), null for MAE.
 * stdThreshold: the embeddingStd below which it counts as collapsed, COLLAPSE_FRACTION/√d.
 * collapsed: embeddingStd below stdThreshold, or the loss within 1e-3 of allSameLoss.
 */
export interface SslHealth {
  embeddingStd: number
  stdThreshold: number
  deadChannels: number
  probe: number | null
  allSameLoss: number | null
  collapsed: boolean
}

export type ToWorker =
  | { type: 'start'; job: TrainingJobInput; data: TrainingData }
  | { type: 'cancel' }
  /** Which backend a job would get now (a fresh worker loads it, answers 'backend' and exits). */
  | { type: 'probe'; backend?: BackendName; wasmThreads?: number }
  /** Load a finetuned checkpoint for prediction; the worker answers 'predictReady', then serves batches. */
  | { type: 'predict'; checkpointDir: string; backend?: BackendName; wasmThreads?: number }
  /** `count` RGB images of the model's input size back to back; answered by 'predicted' with the same batch. */
  | { type: 'predictBatch'; batch: number; count: number; images: ArrayBuffer }
  /** No more batches: the worker frees the model and exits. */
  | { type: 'predictEnd' }
  /** A checkpoint's model.json topology to export: answered by 'modelExported' with it in standard Keras layers. */
  | { type: 'exportModel'; topology: unknown; backend?: BackendName; wasmThreads?: number }
  /**
   * An exported model (topology, weight specs, weights) refitted to the U-Net of `config` and saved as a
   * checkpoint in outDir; answered by 'modelImported'. `source` names the file in errors.
   */
  | { type: 'importModel'; topology: unknown; weightSpecs: unknown[]; weights: ArrayBuffer; config: unknown; outDir: string; source: string; backend?: BackendName; wasmThreads?: number }

export interface BackendReport {
  name: string
  threads: number
  attempts: { backend: string; ok: boolean; reason: string }[]
  /** webgpu only: the adapter it runs on (its largest buffer caps a tensor, so a batch). */
  adapter?: { vendor: string; architecture: string; device: string; description: string; software: boolean; maxBufferBytes?: number }
  /** Trained on the worker pool: the id of the worker that trained it (its host name first). */
  worker?: string
}

export interface EpochMetrics {
  f1: number
  jaccard: number
  iou: (number | null)[]
  meanIou: number
  foregroundIou: number
  pixelAccuracy: number
  /** Images per evaluation batch F1/Jaccard were averaged over (fixed, see metrics/evaluate.ts); absent on older runs, which used their training batch. */
  evalBatch?: number
}

export type FromWorker =
  | { type: 'ready'; backend: BackendReport; resumedFromEpoch: number }
  | { type: 'step'; epoch: number; step: number; stepsPerEpoch: number; loss: number; imgPerSec: number }
  | {
      type: 'epoch'
      epoch: number
      epochs: number
      meanLoss: number
      seconds: number
      etaSeconds: number
      metrics: EpochMetrics | null
      /** Pretraining only; null (or absent, from a worker that does not measure it) for finetuning. */
      health?: SslHealth | null
    }
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
  | { type: 'modelExported'; topology: unknown }
  | { type: 'modelImported' }

export const toWorkerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    job: z.unknown(),
    data: z.object({
      size: positiveInt,
      count: positiveInt,
      images: z.instanceof(ArrayBuffer),
      trimaps: z.instanceof(ArrayBuffer).nullable(),
      health: z
        .object({ count: positiveInt, images: z.instanceof(ArrayBuffer), trimaps: z.instanceof(ArrayBuffer).nullable() })
        .nullable()
        .optional(),
    }),
  }),
  z.object({ type: z.literal('cancel') }),
  z.object({ type: z.literal('probe'), backend: z.enum(BACKEND_NAMES).optional(), wasmThreads: positiveInt.optional() }),
  z.object({ type: z.literal('predict'), checkpointDir: z.string().min(1), backend: z.enum(BACKEND_NAMES).optional(), wasmThreads: positiveInt.optional() }),
  z.object({ type: z.literal('predictBatch'), batch: z.number().int().nonnegative(), count: positiveInt, images: z.instanceof(ArrayBuffer) }),
  z.object({ type: z.literal('predictEnd') }),
  z.object({ type: z.literal('exportModel'), topology: z.unknown(), backend: z.enum(BACKEND_NAMES).optional(), wasmThreads: positiveInt.optional() }),
  z.object({
    type: z.literal('importModel'),
    topology: z.unknown(),
    weightSpecs: z.array(z.unknown()),
    weights: z.instanceof(ArrayBuffer),
    config: z.unknown(),
    outDir: z.string().min(1),
    source: z.string(),
    backend: z.enum(BACKEND_NAMES).optional(),
    wasmThreads: positiveInt.optional(),
  }),
])
