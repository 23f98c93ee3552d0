// The one contract between the renderer and the main-process services: every call and every event.
// Preload, the ipcMain binding, the web (HTTP) binding and both renderer clients are typed from it.
import { z } from 'zod'
import type {
  DatasetInfo,
  DatasetProgress,
  FacetCounts,
  ImageDetail,
  ImageSummary,
  IndexSummary,
  LabelSource,
  ReviewState,
} from './types/dataset'
import { MAX_REVIEW_NOTE, REVIEW_STATES } from './types/dataset'
import type { FolderListing } from './types/browse'
import { type PoolSetting, type PoolWorkerInfo, redisUrlArg, RUN_ON, type RunOn } from './types/pool'
import { RUN_TAG_RULES, type RunConfig, type RunDeletePlan, type RunDetail, type RunPlan, type RunProgress, type RunSummary } from './types/runs'
import type { PredictionPhase, PredictionProgress, PredictionScope, QueueItem } from './types/predictions'
import { BACKEND_NAMES, PRETRAIN_METHODS, simclrAugmentSchema } from './training-protocol'
import { TRIMAP_BORDER, TRIMAP_PET, type Trimap } from './trimap'
import { AppError } from './errors'

export type AppMode = 'electron' | 'web'

export interface AppInfo {
  version: string
  mode: AppMode
  /** Folder of the app's SQLite database and image cache. */
  dataDir: string
  /** True where a native file dialog exists (Electron); web mode asks for a server-side path. */
  canPickFiles: boolean
}

export type PickKind = 'folder' | 'archives'

/** Every call: one argument (an object, or undefined) in, one promise out. */
export interface Api {
  'app:info'(args?: undefined): Promise<AppInfo>
  /** Native dialog (Electron only): a dataset folder, or the two official archives. */
  'app:pick'(args: { kind: PickKind }): Promise<string[] | null>
  'datasets:list'(args?: undefined): Promise<DatasetInfo[]>
  /** The dataset opened last, or null on a first start. */
  'datasets:current'(args?: undefined): Promise<DatasetInfo | null>
  /** Open (index, or re-open from the index) a folder in the official layout. */
  'datasets:open'(args: { path: string }): Promise<IndexSummary>
  /** Extract images.tar.gz + annotations.tar.gz into dest (default: beside the archives), then open. */
  'datasets:import'(args: { archives: string[]; dest?: string }): Promise<IndexSummary>
  /** Generate the built-in demo dataset (once) and open it. */
  'datasets:openDemo'(args?: undefined): Promise<IndexSummary>
  /**
   * A folder on the serving machine (default: the first allowed root): its sub-folders and release
   * archives, never file contents, and never outside the allowed roots (links are resolved first).
   */
  'fs:browse'(args: { path?: string }): Promise<FolderListing>
  'images:list'(args: ImageQueryArgs): Promise<ImageSummary[]>
  'images:facets'(args: ImageQueryArgs): Promise<FacetCounts>
  'images:get'(args: { id: number }): Promise<ImageDetail>
  /** The image's trimap as raw class ids, or null when it has none. */
  'labels:get'(args: { imageId: number }): Promise<Trimap | null>
  /** Check a run before queueing it: problems (no labels, N above the pool…) and the backend. */
  'runs:plan'(args: { config: RunConfig }): Promise<RunPlan>
  'runs:enqueue'(args: { config: RunConfig }): Promise<RunSummary>
  /** The one-click action: queue a pretraining run and a finetune on its encoder (or reuse one). */
  'runs:pipeline'(args: { pretrain: RunConfig | null; reusePretrainRunId?: number; finetune: RunConfig }): Promise<RunSummary[]>
  /** Newest first; archived runs only with includeArchived. */
  'runs:list'(args: { datasetId?: number; includeArchived?: boolean }): Promise<RunSummary[]>
  /** Rename, tag (a few short words), note, archive or unarchive a run; fields left out stay. */
  'runs:update'(args: { id: number; name?: string; tags?: string[]; note?: string; archived?: boolean }): Promise<RunSummary>
  /** What deleting a run would remove (it, its finetunes, epochs, checkpoint bytes, predictions), or why it cannot go. */
  'runs:deletePlan'(args: { id: number }): Promise<RunDeletePlan>
  /**
   * Delete a run with its checkpoints and predictions. Refused while it (or a finetune of it) runs, and
   * for a pretraining run with finetunes unless withDependents deletes them with it.
   */
  'runs:delete'(args: { id: number; withDependents?: boolean }): Promise<{ deleted: number[] }>
  'runs:get'(args: { id: number }): Promise<RunDetail>
  'runs:cancel'(args: { id: number }): Promise<RunSummary>
  'runs:retry'(args: { id: number }): Promise<RunSummary>
  /** Move a queued run to a 0-based position among the queued runs. */
  'runs:reorder'(args: { id: number; position: number }): Promise<RunSummary[]>
  /** How many runs train at once (1 unless set), the most allowed here, and which runs train now. */
  'runs:concurrency'(args?: undefined): Promise<RunConcurrency>
  /** Lets up to max runs train at once; a further one starts only while their estimated memory fits together. */
  'runs:setConcurrency'(args: { max: number }): Promise<RunConcurrency>
  /** Where runs that start from now on train: this machine, or the worker pool behind a Redis. */
  'pool:get'(args?: undefined): Promise<PoolSetting>
  /**
   * Switches where runs train (runs training now finish where they are). 'pool' connects to the Redis
   * first (redisUrl, else the one stored) and is refused, naming the host, when it does not answer.
   */
  'pool:set'(args: { mode: RunOn; redisUrl?: string }): Promise<PoolSetting>
  /** The pool's live workers (empty when runs train on this machine). */
  'pool:workers'(args?: undefined): Promise<PoolWorkerInfo[]>
  /** Write a finished run as a folder (tfjs layers model, config, metrics, manifest, README) at dest. */
  'runs:export'(args: { id: number; dest: string }): Promise<{ dir: string }>
  /** Import a folder written by runs:export as a new finished run (of datasetId, else the matching or current dataset). */
  'runs:import'(args: { path: string; datasetId?: number }): Promise<RunSummary>
  /** The runs table (these ids, or every run) as CSV or JSON text. */
  'runs:exportTable'(args: { ids?: number[]; format: 'csv' | 'json' }): Promise<{ text: string; mime: string }>
  /** A finetuned run's predicted trimaps for a split as dest/annotations/trimaps/<name>.png (1/2/3). */
  'runs:exportPredictions'(args: { id: number; split: PredictionSplit; dest: string }): Promise<{ dir: string; count: number }>
  /**
   * Write an edited trimap (the image's size, values 1/2/3) as annotations/trimaps/<name>.png,
   * atomically; the release's original is kept once so it can be restored. Source becomes 'edited'.
   */
  'labels:save'(args: { imageId: number; trimap: Trimap }): Promise<ImageDetail>
  /** Restore the release's original trimap (NOT_FOUND when the image never had one). */
  'labels:revert'(args: { imageId: number }): Promise<ImageDetail>
  /**
   * Make the image unlabelled: its trimap file and label go. A trimap from the release is kept first
   * (annotations/.workbench-original-trimaps), so 'labels:revert' brings it back.
   */
  'labels:clear'(args: { imageId: number }): Promise<ImageDetail>
  /**
   * Predict trimaps with a finished finetune for a scope of the dataset's images, in the training
   * worker; answers at once with the job and its image count, progress follows as events.
   */
  'predictions:start'(args: { runId: number; datasetId: number; scope: PredictionScope }): Promise<{ jobId: number; count: number }>
  /** Stop a running prediction job (predictions made so far are kept). */
  'predictions:cancel'(args: { jobId: number }): Promise<void>
  /** The run's predicted trimap of an image at the image's size, or null when it has none. */
  'predictions:get'(args: { runId: number; imageId: number }): Promise<Trimap | null>
  /** Save the run's prediction as the image's trimap (source 'predicted'). */
  'predictions:accept'(args: { runId: number; imageId: number }): Promise<ImageDetail>
  /** Unlabelled images with a prediction of this run, least confident first. */
  'queues:labelNext'(args: { datasetId: number; runId: number; limit?: number }): Promise<QueueItem[]>
  /** Labelled images whose prediction by this run disagrees most with their trimap first. */
  'queues:recheck'(args: { datasetId: number; runId: number; limit?: number }): Promise<QueueItem[]>
  /**
   * Set an image's review: accepted, needs review or rejected, with a note of at most 500 characters
   * (who and when are recorded); state null clears it. Answers the image as it now is.
   */
  'reviews:set'(args: { imageId: number; state: ReviewState | null; note?: string }): Promise<ImageDetail>
}

export type PredictionSplit = 'test' | 'trainval' | 'all'

/** The training queue's concurrency setting: max at once (1 ≤ max ≤ limit) and the ids training now. */
export interface RunConcurrency {
  max: number
  limit: number
  running: number[]
}

export type Channel = keyof Api
export type ArgOf<K extends Channel> = Parameters<Api[K]>[0]
export type ResultOf<K extends Channel> = Awaited<ReturnType<Api[K]>>

/** Every event pushed from main to the renderer. */
export interface Events {
  'dataset:progress': DatasetProgress
  /** A dataset was opened by something other than the renderer's own call (menu, demo on start). */
  'dataset:opened': DatasetInfo
  /** An image's label was saved or reverted (by this window or another client). */
  'labels:changed': { imageId: number; label: LabelSource | null }
  /** An image's review state was set or cleared (by this window or another client). */
  'reviews:changed': { imageId: number; datasetId: number; review: ReviewState | null }
  /** A run was queued, started, finished an epoch, ended, was cancelled, retried or moved. */
  'runs:changed': RunSummary
  /** Runs were deleted (a run and the finetunes deleted with it). */
  'runs:deleted': { ids: number[] }
  /**
   * The running run's progress (a few times a second at most). lossPoint: one point of its live loss
   * curve, step counted from the run's first step (epoch − 1) × stepsPerEpoch + step.
   */
  'runs:progress': { runId: number; progress: RunProgress; lossPoint?: { step: number; loss: number } }
  /** A prediction job started, advanced, ended, failed or was cancelled. */
  'predictions:progress': PredictionProgress
  /** runs:exportPredictions started, advanced (a few times a second at most), ended, failed or was cancelled. */
  'runs:exportProgress': PredictionsExportProgress
}

/** A predictions export's state; done counts the images predicted and written so far. */
export interface PredictionsExportProgress {
  runId: number
  split: PredictionSplit
  dest: string
  phase: PredictionPhase
  done: number
  total: number
  /** Why it failed (phase 'failed'), else null. */
  error: string | null
}
export type EventName = keyof Events

/** Image bytes the renderer loads by URL (img src), not through a call. */
export type MediaKind = 'thumb' | 'image'
export const MEDIA_KINDS: readonly MediaKind[] = ['thumb', 'image']

const species = z.enum(['cat', 'dog'])
const split = z.enum(['trainval', 'test', 'none'])
const labelState = z.enum(['labelled', 'unlabelled', 'edited', 'predicted', 'broken'])
const id = z.number().int().positive()

export const imageQuerySchema = z.strictObject({
  datasetId: id,
  species: species.optional(),
  breed: z.string().min(1).max(100).optional(),
  split: split.optional(),
  label: labelState.optional(),
  search: z.string().max(200).optional(),
  review: z.enum([...REVIEW_STATES, 'none']).optional(),
  problems: z.boolean().optional(),
})
export type ImageQueryArgs = z.infer<typeof imageQuerySchema>

const none = z.undefined()

export const runConfigSchema = z.strictObject({
  kind: z.enum(['pretrain', 'finetune']),
  datasetId: id,
  method: z.enum([...PRETRAIN_METHODS, 'none']),
  labels: z
    .discriminatedUnion('mode', [
      z.strictObject({ mode: z.literal('count'), count: z.number().int().positive() }),
      z.strictObject({ mode: z.literal('fraction'), fraction: z.number().gt(0).lte(1) }),
    ])
    .optional(),
  split: z.enum(['official', 'paper']).optional(),
  frozenEncoder: z.boolean(),
  skips: z.boolean(),
  epochs: z.number().int().min(1).max(1000),
  batchSize: z.number().int().min(1).max(1024),
  imageSize: z.number().int().min(16).max(512).multipleOf(8),
  simclrSize: z.number().int().min(16).max(512).multipleOf(8),
  learningRate: z.number().gt(0).lt(1),
  seed: z.number().int().min(0),
  backend: z.enum(BACKEND_NAMES).optional(),
  paperBatch: z.boolean().optional(),
  parentRunId: id.nullable().optional(),
  tag: z.string().max(200).optional(),
  channels: z.array(z.number().int().min(1).max(1024)).min(1).max(6).optional(),
  augment: simclrAugmentSchema.optional(),
})

/** Largest trimap side accepted at a boundary (the release's largest image is far smaller). */
export const MAX_TRIMAP_SIDE = 16_384

/**
 * Why a trimap's data is unusable (length not width×height, or a value outside 1/2/3), or null.
 * Shared by the contract's schema and the labels service, which is also called without it.
 */
export function trimapDataProblem(t: Trimap): string | null {
  const need = t.width * t.height
  const data = t.data
  if (data.length !== need) {
    return `data holds ${data.length} bytes but a ${t.width}×${t.height} trimap needs ${need}`
  }
  if (allTrimapClasses(data)) return null
  const i = firstNonClass(data)
  const x = i % t.width
  const y = (i - x) / t.width
  return `value ${data[i]} at pixel (${x}, ${y}) is not a trimap class (1 pet, 2 background, 3 border)`
}

/**
 * True when every byte is 1, 2 or 3. Checked four bytes at a time without branches (a 1000×1000
 * trimap in well under a millisecond): a byte is in 1..3 when its top six bits are clear and one of
 * its two low bits is set. The unaligned head and tail go byte by byte.
 */
function allTrimapClasses(data: Uint8Array): boolean {
  const head = Math.min(data.length, (4 - (data.byteOffset & 3)) & 3)
  const words = (data.length - head) >>> 2
  const tail = head + words * 4
  if (firstNonClass(data, 0, head) < head || firstNonClass(data, tail, data.length) < data.length) return false
  if (words === 0) return true // shorter than its unaligned head: the view below could not start there
  const u32 = new Uint32Array(data.buffer, data.byteOffset + head, words)
  let high = 0
  let low = 0x01010101
  for (let i = 0; i < words; i++) {
    const w = u32[i]!
    high |= w & 0xfcfcfcfc
    low &= w | (w >>> 1)
  }
  return high === 0 && (low & 0x01010101) === 0x01010101
}

/** Index of the first byte in [from, to) that is not 1, 2 or 3, or `to` when there is none. */
function firstNonClass(data: Uint8Array, from = 0, to = data.length): number {
  for (let i = from; i < to; i++) {
    const v = data[i]!
    if (v < TRIMAP_PET || v > TRIMAP_BORDER) return i
  }
  return to
}

const side = z.number().int().min(1).max(MAX_TRIMAP_SIDE)
export const trimapSchema = z
  .strictObject({ width: side, height: side, data: z.instanceof(Uint8Array) })
  .superRefine((t, ctx) => {
    const problem = trimapDataProblem(t)
    if (problem) ctx.addIssue({ code: 'custom', path: ['data'], message: problem })
  })

/** Validators for every call's argument; a call missing here is a compile error. */
export const argSchemas: { [K in Channel]: z.ZodType<ArgOf<K>> } = {
  'app:info': none,
  'app:pick': z.strictObject({ kind: z.enum(['folder', 'archives']) }),
  'datasets:list': none,
  'datasets:current': none,
  'datasets:open': z.strictObject({ path: z.string().min(1).max(4096) }),
  'datasets:import': z.strictObject({
    archives: z.array(z.string().min(1).max(4096)).min(1).max(2),
    dest: z.string().min(1).max(4096).optional(),
  }),
  'datasets:openDemo': none,
  'fs:browse': z.strictObject({ path: z.string().min(1).max(4096).optional() }),
  'images:list': imageQuerySchema,
  'images:facets': imageQuerySchema,
  'images:get': z.strictObject({ id }),
  'labels:get': z.strictObject({ imageId: id }),
  'runs:plan': z.strictObject({ config: runConfigSchema }),
  'runs:enqueue': z.strictObject({ config: runConfigSchema }),
  'runs:pipeline': z.strictObject({
    pretrain: runConfigSchema.nullable(),
    reusePretrainRunId: id.optional(),
    finetune: runConfigSchema,
  }),
  'runs:list': z.strictObject({ datasetId: id.optional(), includeArchived: z.boolean().optional() }),
  'runs:update': z.strictObject({
    id,
    name: z.string().trim().min(1).max(RUN_TAG_RULES.maxName).optional(),
    tags: z.array(z.string().trim().min(1).max(RUN_TAG_RULES.maxLength).regex(RUN_TAG_RULES.pattern, 'a tag is one short word')).max(RUN_TAG_RULES.maxTags).optional(),
    note: z.string().max(RUN_TAG_RULES.maxNote).optional(),
    archived: z.boolean().optional(),
  }),
  'runs:deletePlan': z.strictObject({ id }),
  'runs:delete': z.strictObject({ id, withDependents: z.boolean().optional() }),
  'runs:get': z.strictObject({ id }),
  'runs:cancel': z.strictObject({ id }),
  'runs:retry': z.strictObject({ id }),
  'runs:reorder': z.strictObject({ id, position: z.number().int().min(0) }),
  'runs:concurrency': none,
  'runs:setConcurrency': z.strictObject({ max: z.number().int().min(1).max(1024) }),
  'pool:get': none,
  'pool:set': z.strictObject({ mode: z.enum(RUN_ON), redisUrl: redisUrlArg.optional() }),
  'pool:workers': none,
  'runs:export': z.strictObject({ id, dest: z.string().min(1).max(4096) }),
  'runs:import': z.strictObject({ path: z.string().min(1).max(4096), datasetId: id.optional() }),
  'runs:exportTable': z.strictObject({ ids: z.array(id).max(100_000).optional(), format: z.enum(['csv', 'json']) }),
  'runs:exportPredictions': z.strictObject({ id, split: z.enum(['test', 'trainval', 'all']), dest: z.string().min(1).max(4096) }),
  'labels:save': z.strictObject({ imageId: id, trimap: trimapSchema }),
  'labels:revert': z.strictObject({ imageId: id }),
  'labels:clear': z.strictObject({ imageId: id }),
  'predictions:start': z.strictObject({ runId: id, datasetId: id, scope: z.enum(['unlabelled', 'labelled', 'all']) }),
  'predictions:cancel': z.strictObject({ jobId: id }),
  'predictions:get': z.strictObject({ runId: id, imageId: id }),
  'predictions:accept': z.strictObject({ runId: id, imageId: id }),
  'queues:labelNext': z.strictObject({ datasetId: id, runId: id, limit: z.number().int().min(1).max(100_000).optional() }),
  'queues:recheck': z.strictObject({ datasetId: id, runId: id, limit: z.number().int().min(1).max(100_000).optional() }),
  'reviews:set': z.strictObject({
    imageId: id,
    state: z.enum(REVIEW_STATES).nullable(),
    note: z.string().max(MAX_REVIEW_NOTE).optional(),
  }),
}

export const CHANNELS = Object.keys(argSchemas) as Channel[]

/** Validate a call's argument at a boundary; throws a BAD_INPUT error naming the field. */
export function parseArg<K extends Channel>(channel: K, arg: unknown): ArgOf<K> {
  const schema = argSchemas[channel]
  const result = schema.safeParse(arg)
  if (!result.success) {
    const issue = result.error.issues[0]
    const where = issue?.path.length ? issue.path.join('.') + ': ' : ''
    throw new AppError('BAD_INPUT', `${channel}: ${where}${issue?.message ?? 'invalid argument'}`)
  }
  return result.data
}

export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(argSchemas, name)
}
