// Messages between the main process and the training worker (worker_threads), as tagged unions, and
// the constants both sides share. The types are derived from the zod schemas in training-schemas.ts,
// which validate every message on arrival, both ways. Pixel data travels as transferred ArrayBuffers,
// never as JSON. Free of zod at run time: the renderer imports the constants here.
import type { z } from 'zod'
import type {
  backendReportSchema,
  epochMetricsSchema,
  fromWorkerSchema,
  healthDataSchema,
  simclrAugmentSchema,
  sslHealthSchema,
  toWorkerSchema,
  trainingDataSchema,
  trainingJobSchema,
} from './training-schemas'

export const PRETRAIN_METHODS = ['simclr', 'mae-patch', 'mae-pixel', 'mae-none'] as const
export type PretrainMethod = (typeof PRETRAIN_METHODS)[number]
export const BACKEND_NAMES = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'] as const
/** A tfjs backend, in the order the automatic choice tries them. */
export type BackendName = (typeof BACKEND_NAMES)[number]

/** SimCLR's augmentation in torchvision's terms (simclrAugmentSchema says what each field does). */
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

export type TrainingJob = z.infer<typeof trainingJobSchema>
export type TrainingJobInput = z.input<typeof trainingJobSchema>

/** Decoded pixels: `count` square RGB images of side `size` back to back; trimaps likewise (1 byte/px). */
export type TrainingData = z.infer<typeof trainingDataSchema>
/** A pretraining's fixed health batch (TrainingData.health). */
export type HealthData = z.infer<typeof healthDataSchema>

/**
 * Images per held-out evaluation batch. The paper averages F1/Jaccard over batches (§2.7), so this
 * size changes them; it is fixed, independent of the training batch, and recorded as evalBatch.
 */
export const EVAL_BATCH = 32

/** Images in a pretraining's health batch: enough for a stable per-dimension std, cheap next to an epoch. */
export const HEALTH_BATCH = 32

/** Self-supervised health of one pretraining epoch (sslHealthSchema says what each field means). */
export type SslHealth = z.infer<typeof sslHealthSchema>
/** The backend a job runs on, why faster ones were passed over, and on webgpu its adapter. */
export type BackendReport = z.infer<typeof backendReportSchema>
export type EpochMetrics = z.infer<typeof epochMetricsSchema>

/** Main process → worker: start, cancel, probe, predict (session and batches), export or import a model. */
export type ToWorker = z.infer<typeof toWorkerSchema>
/** Worker → main process: ready, step, epoch, checkpoint, done, error, and the answers to the other jobs. */
export type FromWorker = z.infer<typeof fromWorkerSchema>
