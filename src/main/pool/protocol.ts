// What the app and the pool workers agree on in Redis: the queue, the key names, the job payload, the
// events a worker appends to its job's stream, and a worker's announcement — each a zod schema.
import { z } from 'zod'
import { BACKEND_NAMES } from '../../shared/training-protocol'
import { trainingJobSchema, trainingProgressSchemas } from '../../shared/training-schemas'

/** Every key of the pool starts with this, so one Redis can serve other things too. */
export const POOL_PREFIX = 'unet-pool'
export const QUEUE_NAME = 'train'

export const keys = {
  worker: (id: string): string => `${POOL_PREFIX}:worker:${id}`,
  workersMatch: `${POOL_PREFIX}:worker:*`,
  /** Pixels of a run, content-addressed: runs on the same images share them. */
  data: (sha: string): string => `${POOL_PREFIX}:data:${sha}`,
  events: (jobId: string): string => `${POOL_PREFIX}:job:${jobId}:events`,
  /** The run's latest checkpoint folder as a bundle: what a worker resumes from. */
  checkpoint: (jobId: string): string => `${POOL_PREFIX}:job:${jobId}:checkpoint`,
  /** A finetune's pretraining checkpoint (its encoder), as a bundle. */
  parent: (jobId: string): string => `${POOL_PREFIX}:job:${jobId}:parent`,
  cancel: (jobId: string): string => `${POOL_PREFIX}:job:${jobId}:cancel`,
  /**
   * The app has the run's outcome: an attempt BullMQ still hands out (a worker lost the job's lock
   * while finishing it) stops at once and says nothing.
   */
  ended: (jobId: string): string => `${POOL_PREFIX}:job:${jobId}:ended`,
  /** Workers that gave the job back, by id: why each cannot train it. */
  declined: (jobId: string): string => `${POOL_PREFIX}:job:${jobId}:declined`,
}

/** Keys of a job left behind by an app that went away expire after this. */
export const JOB_TTL_SECONDS = 7 * 24 * 3600
export const DATA_TTL_SECONDS = 24 * 3600
/** A worker's announcement outlives a missed heartbeat or two, not a dead worker. */
export const ANNOUNCE_TTL_SECONDS = 15

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/)

/** The training job as the app planned it, without the paths, which only the worker knows. */
export const poolTrainingSchema = trainingJobSchema.omit({ checkpointDir: true, encoderFrom: true, resume: true, wasmThreads: true })

/** Web mode's base URL as workers reach it (serve.ts --pool-url). */
export const appUrlSchema = z.url({ protocol: /^https?$/ })
const imageIds = z.array(z.number().int().positive())
const fetchSchema = z.object({
  url: appUrlSchema,
  /** The pool token (pool-data.ts poolTokenOf): reads images there, nothing else. */
  token: z.string().min(16),
  /** The app's image ids in pixel order, the same images as dataset.names. */
  ids: imageIds,
  /** The SSL-health batch's image ids, as dataset.healthNames. */
  healthIds: imageIds.nullable(),
})

export const poolJobSchema = z.object({
  v: z.literal(1),
  runId: z.number().int().positive(),
  job: poolTrainingSchema,
  data: z.object({
    sha256: sha256Hex,
    size: z.number().int().positive(),
    count: z.number().int().positive(),
    trimaps: z.boolean(),
    /** A pretraining's SSL-health batch, stored beside the pixels (same size); null: none. */
    health: z.object({ count: z.number().int().positive(), trimaps: z.boolean() }).nullable().default(null),
    /** The pixels wait at keys.data(sha256); false above the app's cap (only a worker holding the dataset trains it) or when `fetch` serves them. */
    stored: z.boolean().default(true),
    /** Where the pixels come from, so a worker holding a copy of the dataset builds them itself; null from older apps. */
    dataset: z.object({
      /** dataset-fingerprint.ts's sum of the dataset's images and labels. */
      fingerprint: sha256Hex,
      /** The images of the pixels in order: the run's training images, then its evaluation images. */
      names: z.array(z.string().min(1)),
      /** The SSL-health batch's images, when the job has one. */
      healthNames: z.array(z.string().min(1)).nullable(),
    }).nullable().default(null),
    /** The app's web mode serving the images by id (web/pool-data.ts); null: none (Electron, the CLI, older apps). */
    fetch: fetchSchema.nullable().default(null),
  }).superRefine((d, ctx) => {
    if (!d.dataset) {
      if (d.fetch) ctx.addIssue({ code: 'custom', path: ['fetch'], message: 'a job fetching its images must name its dataset (their cache is by fingerprint)' })
      return
    }
    const say = (path: string[], n: number, want: number): void => ctx.addIssue({ code: 'custom', path, message: `lists ${n} for ${want} images` })
    if (d.dataset.names.length !== d.count) say(['dataset', 'names'], d.dataset.names.length, d.count)
    const health = d.dataset.healthNames?.length ?? 0
    if (health !== (d.health?.count ?? 0)) say(['dataset', 'healthNames'], health, d.health?.count ?? 0)
    if (d.fetch && d.fetch.ids.length !== d.count) say(['fetch', 'ids'], d.fetch.ids.length, d.count)
    if (d.fetch && (d.fetch.healthIds?.length ?? 0) !== health) say(['fetch', 'healthIds'], d.fetch.healthIds?.length ?? 0, health)
  }),
  /** A parent checkpoint waits at keys.parent(jobId). */
  parent: z.boolean(),
})
export type PoolJob = z.infer<typeof poolJobSchema>
export type PoolJobInput = z.input<typeof poolJobSchema>

/** One entry of a job's event stream; `token` tells one worker's attempt at the job from another's. */
const token = { token: z.string() }
const progress = trainingProgressSchemas

export const poolEventSchema = z.discriminatedUnion('type', [
  progress.ready.extend({ ...token, worker: z.string(), host: z.string() }),
  progress.step.extend(token),
  progress.epoch.extend(token),
  /** The folder at keys.checkpoint now holds the checkpoint after this epoch (0-based). */
  z.object({ type: z.literal('checkpoint'), ...token, epoch: z.number().int() }),
  z.object({ type: z.literal('log'), ...token, line: z.string() }),
  progress.done.extend(token),
  z.object({ type: z.literal('error'), ...token, code: z.string(), message: z.string() }),
  /** A worker gave the job back to the queue (said once per worker; keys.declined holds every reason). */
  z.object({ type: z.literal('declined'), ...token, worker: z.string(), host: z.string(), reason: z.string() }),
])
export type PoolEvent = z.infer<typeof poolEventSchema>

/** A value of keys.declined. */
export const declineSchema = z.object({ host: z.string(), reason: z.string() })

/** What a worker says about itself at keys.worker(id), refreshed by its heartbeat. */
export const announcementSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().int(),
  backend: z.string(),
  backendThreads: z.number().int(),
  /** webgpu: the adapter's description (a GPU's name); absent for other backends. */
  adapter: z.string().optional(),
  freeMemoryBytes: z.number(),
  totalMemoryBytes: z.number(),
  concurrency: z.number().int().positive(),
  /** Run ids training there now. */
  running: z.array(z.number().int()),
  /** The datasets it holds a copy of (--dataset-root), by fingerprint; absent: none (or an older worker). */
  datasets: z.array(z.object({ fingerprint: sha256Hex, images: z.number().int().nonnegative() })).optional(),
  startedAt: z.string(),
  seenAt: z.string(),
})
export type Announcement = z.infer<typeof announcementSchema>

export const backendNameSchema = z.enum(BACKEND_NAMES)

/**
 * An event as it sits in the stream. JSON has no NaN or ±Infinity (a diverged loss, a metric of an
 * empty class); they travel as {"$num": "NaN"} and come back as numbers.
 */
export function encodeEvent(e: object): string {
  return JSON.stringify(e, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $num: String(v) } : v))
}

export function decodeEvent(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => {
    const n = (v as { $num?: unknown } | null)?.$num
    return typeof n === 'string' && Object.keys(v as object).length === 1 && ['NaN', 'Infinity', '-Infinity'].includes(n) ? Number(n) : v
  })
}
