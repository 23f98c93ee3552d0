// The one contract between the renderer and the main-process services: every call and every event.
// Preload, the ipcMain binding, the web (HTTP) binding and both renderer clients are typed from it;
// each call's argument schema is in api-schemas.ts, which only the main process imports.
import type { z } from 'zod'
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
import type { FolderListing } from './types/browse'
import type { PoolSetting, PoolWorkerInfo, RunOn } from './types/pool'
import type { RunConfig, RunDeletePlan, RunDetail, RunPlan, RunProgress, RunSummary } from './types/runs'
import type { PredictionPhase, PredictionProgress, PredictionScope, QueueItem } from './types/predictions'
import { TRIMAP_BORDER, TRIMAP_PET, type Trimap } from './trimap'
import type { BatchPlan, PipelineArgs } from './run-batch'
import type { imageQuerySchema } from './api-schemas'

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
  /** What queueing these pipelines would do (an experiment template): each planned, pretrainings shared or reused, refusals. */
  'runs:planMany'(args: { items: PipelineArgs[] }): Promise<BatchPlan>
  /** Queue all of these pipelines, or none: refused (naming each refused item) when any would be. */
  'runs:queueMany'(args: { items: PipelineArgs[] }): Promise<RunSummary[]>
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

/**
 * Every call's name, in a plain object so the renderer gets the list without the schemas (and zod):
 * `satisfies` makes a call missing here, or one not in Api, a compile error, as argSchemas
 * (api-schemas.ts) does for validators and the bindings' `Api` type for handlers.
 */
const CHANNEL_NAMES = {
  'app:info': true, 'app:pick': true, 'datasets:list': true, 'datasets:current': true, 'datasets:open': true,
  'datasets:import': true, 'datasets:openDemo': true, 'fs:browse': true, 'images:list': true, 'images:facets': true,
  'images:get': true, 'labels:get': true, 'runs:plan': true, 'runs:enqueue': true, 'runs:pipeline': true,
  'runs:planMany': true, 'runs:queueMany': true, 'runs:list': true, 'runs:update': true, 'runs:deletePlan': true,
  'runs:delete': true, 'runs:get': true, 'runs:cancel': true, 'runs:retry': true, 'runs:reorder': true,
  'runs:concurrency': true, 'runs:setConcurrency': true, 'pool:get': true, 'pool:set': true, 'pool:workers': true,
  'runs:export': true, 'runs:import': true, 'runs:exportTable': true, 'runs:exportPredictions': true,
  'labels:save': true, 'labels:revert': true, 'labels:clear': true, 'predictions:start': true,
  'predictions:cancel': true, 'predictions:get': true, 'predictions:accept': true, 'queues:labelNext': true,
  'queues:recheck': true, 'reviews:set': true,
} as const satisfies Record<Channel, true>

export const CHANNELS = Object.keys(CHANNEL_NAMES) as Channel[]

export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(CHANNEL_NAMES, name)
}

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

/** The filters of images:list and images:facets (imageQuerySchema says which values each takes). */
export type ImageQueryArgs = z.infer<typeof imageQuerySchema>

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
