// The zod schemas of the training protocol: the job, and every message both ways between the main
// process and the training worker. training-protocol.ts derives its types from these; worker.ts
// validates what arrives there, worker-client.ts what arrives back. Main-process and worker only: the
// renderer imports training-protocol.ts, never this file, so zod stays out of its bundle.
import { z } from 'zod'
import { isWireError, type WireError } from './errors'
import { BACKEND_NAMES, PAPER_SIMCLR_AUGMENT, PRETRAIN_METHODS } from './training-protocol'

const positiveInt = z.number().int().positive()
const count = z.number().int().nonnegative()
const probability = z.number().min(0).max(1)
const backend = z.enum(BACKEND_NAMES)
const buffer = z.instanceof(ArrayBuffer)
// Losses, rates and metrics may be NaN or infinite (a diverging run); that is news for the run, not a
// malformed message, and zod's z.number() refuses both.
const anyNumber = z.custom<number>((v) => typeof v === 'number', { error: 'expected a number' })

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
  backend: backend.optional(),
  wasmThreads: positiveInt.optional(),
  /** Checkpoints (model.json, weights.bin, optimizer.*, progress.json) and the final encoder go here. */
  checkpointDir: z.string().min(1),
  /** Finetune: a folder holding encoder.json/.bin from a pretraining run. */
  encoderFrom: z.string().nullable().default(null),
  /** Continue from the last checkpoint in checkpointDir. */
  resume: z.boolean().default(false),
  /** Finetune: keep the epoch with the best held-out foreground IoU as the final checkpoint and metrics. */
  keep: z.enum(['last', 'best']).default('last'),
  simclr: z
    .object({ viewSize: positiveInt, temperature: z.number().positive(), augment: simclrAugmentSchema.default(PAPER_SIMCLR_AUGMENT) })
    .default({ viewSize: 64, temperature: 0.2, augment: PAPER_SIMCLR_AUGMENT }),
})

export const healthDataSchema = z.object({ count: positiveInt, images: buffer, trimaps: buffer.nullable() })

/** Decoded pixels: `count` square RGB images of side `size` back to back; trimaps likewise (1 byte/px). */
export const trainingDataSchema = z.object({
  size: positiveInt,
  count: positiveInt,
  images: buffer,
  trimaps: buffer.nullable(),
  /**
   * Pretraining: the fixed batch its SSL health is measured on each epoch (same size as the images),
   * with trimaps where it has labels. Absent: a seeded subset of the training images, unlabelled.
   */
  health: healthDataSchema.nullable().optional(),
})

const backendChoice = { backend: backend.optional(), wasmThreads: positiveInt.optional() }

export const toWorkerSchema = z.discriminatedUnion('type', [
  // The job is checked by runJob against trainingJobSchema, which also fills in its defaults.
  z.object({ type: z.literal('start'), job: z.custom<z.input<typeof trainingJobSchema>>(), data: trainingDataSchema }),
  z.object({ type: z.literal('cancel') }),
  /** Which backend a job would get now (a fresh worker loads it, answers 'backend' and exits). */
  z.object({ type: z.literal('probe'), ...backendChoice }),
  /** Load a finetuned checkpoint for prediction; the worker answers 'predictReady', then serves batches. */
  z.object({ type: z.literal('predict'), checkpointDir: z.string().min(1), ...backendChoice }),
  /** `count` RGB images of the model's input size back to back; answered by 'predicted' with the same batch. */
  z.object({ type: z.literal('predictBatch'), batch: count, count: positiveInt, images: buffer }),
  /** No more batches: the worker frees the model and exits. */
  z.object({ type: z.literal('predictEnd') }),
  /** A checkpoint's model.json topology to export: answered by 'modelExported' with it in standard Keras layers. */
  z.object({ type: z.literal('exportModel'), topology: z.unknown(), ...backendChoice }),
  /**
   * An exported model (topology, weight specs, weights) refitted to the U-Net of `config` and saved as a
   * checkpoint in outDir; answered by 'modelImported'. `source` names the file in errors.
   */
  z.object({
    type: z.literal('importModel'),
    topology: z.unknown(),
    weightSpecs: z.array(z.unknown()),
    weights: buffer,
    config: z.unknown(),
    outDir: z.string().min(1),
    source: z.string(),
    ...backendChoice,
  }),
])

export const backendReportSchema = z.object({
  name: z.string(),
  threads: z.number(),
  attempts: z.array(z.object({ backend: z.string(), ok: z.boolean(), reason: z.string() })),
  /** webgpu only: the adapter it runs on (its largest buffer caps a tensor, so a batch). */
  adapter: z
    .object({
      vendor: z.string(),
      architecture: z.string(),
      device: z.string(),
      description: z.string(),
      software: z.boolean(),
      maxBufferBytes: z.number().optional(),
    })
    .optional(),
  /** Trained on the worker pool: the id of the worker that trained it (its host name first). */
  worker: z.string().optional(),
})

export const epochMetricsSchema = z.object({
  f1: anyNumber,
  jaccard: anyNumber,
  iou: z.array(anyNumber.nullable()),
  meanIou: anyNumber,
  foregroundIou: anyNumber,
  pixelAccuracy: anyNumber,
  /** Labelled pixels the pooled IoUs and accuracy were counted over; absent on older runs. */
  pixels: z.number().optional(),
  /** Images per evaluation batch F1/Jaccard were averaged over (fixed, see metrics/evaluate.ts); absent on older runs, which used their training batch. */
  evalBatch: z.number().optional(),
  /** A run that keeps its best epoch: which epoch (1-based) these final metrics and its checkpoint are from. */
  bestEpoch: z.number().optional(),
})

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
export const sslHealthSchema = z.object({
  embeddingStd: anyNumber,
  stdThreshold: anyNumber,
  deadChannels: anyNumber,
  probe: anyNumber.nullable(),
  allSameLoss: anyNumber.nullable(),
  collapsed: z.boolean(),
})

const wireError = z.custom<WireError>(isWireError, { error: 'expected { code, message } strings' })

/** A training's progress as a worker reports it (the pool's workers send the same messages through Redis). */
export const trainingProgressSchemas = {
  ready: z.object({ type: z.literal('ready'), backend: backendReportSchema, resumedFromEpoch: count }),
  step: z.object({ type: z.literal('step'), epoch: count, step: count, stepsPerEpoch: positiveInt, loss: anyNumber, imgPerSec: anyNumber }),
  epoch: z.object({
    type: z.literal('epoch'),
    epoch: count,
    epochs: positiveInt,
    meanLoss: anyNumber,
    seconds: anyNumber,
    etaSeconds: anyNumber,
    metrics: epochMetricsSchema.nullable(),
    /** Pretraining only; null (or absent, from a worker that does not measure it) for finetuning. */
    health: sslHealthSchema.nullable().optional(),
  }),
  done: z.object({ type: z.literal('done'), cancelled: z.boolean(), epochsDone: count, steps: count, lastLoss: anyNumber, metrics: epochMetricsSchema.nullable() }),
}

export const fromWorkerSchema = z.discriminatedUnion('type', [
  trainingProgressSchemas.ready,
  trainingProgressSchemas.step,
  trainingProgressSchemas.epoch,
  z.object({ type: z.literal('checkpoint'), epoch: count, dir: z.string() }),
  trainingProgressSchemas.done,
  z.object({ type: z.literal('error'), error: wireError }),
  z.object({ type: z.literal('backend'), backend: backendReportSchema }),
  z.object({ type: z.literal('predictReady'), backend: backendReportSchema, inputSize: positiveInt }),
  /**
   * classes: count × size² class ids (1/2/3, one byte each); confidence: per image, the mean over its
   * pixels of the largest softmax probability.
   */
  z.object({ type: z.literal('predicted'), batch: count, classes: buffer, confidence: z.array(anyNumber) }),
  z.object({ type: z.literal('modelExported'), topology: z.unknown() }),
  z.object({ type: z.literal('modelImported') }),
])

/** Why a message from the worker is malformed ("'epoch' message: meanLoss: expected a number"), or null. */
export function fromWorkerProblem(raw: unknown): string | null {
  const parsed = fromWorkerSchema.safeParse(raw)
  if (parsed.success) return null
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined
  const issue = parsed.error.issues[0]
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : ''
  const what = typeof type === 'string' ? `'${type}' message` : 'message'
  return `${what}: ${where}${issue?.message ?? 'invalid'}`
}
