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
} from './types/dataset'
import type { Trimap } from './trimap'
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
  'images:list'(args: ImageQueryArgs): Promise<ImageSummary[]>
  'images:facets'(args: ImageQueryArgs): Promise<FacetCounts>
  'images:get'(args: { id: number }): Promise<ImageDetail>
  /** The image's trimap as raw class ids, or null when it has none. */
  'labels:get'(args: { imageId: number }): Promise<Trimap | null>
}

export type Channel = keyof Api
export type ArgOf<K extends Channel> = Parameters<Api[K]>[0]
export type ResultOf<K extends Channel> = Awaited<ReturnType<Api[K]>>

/** Every event pushed from main to the renderer. */
export interface Events {
  'dataset:progress': DatasetProgress
  /** A dataset was opened by something other than the renderer's own call (menu, demo on start). */
  'dataset:opened': DatasetInfo
}
export type EventName = keyof Events

/** Image bytes the renderer loads by URL (img src), not through a call. */
export type MediaKind = 'thumb' | 'image'
export const MEDIA_KINDS: readonly MediaKind[] = ['thumb', 'image']

const species = z.enum(['cat', 'dog'])
const split = z.enum(['trainval', 'test', 'none'])
const labelState = z.enum(['labelled', 'unlabelled', 'edited', 'broken'])
const id = z.number().int().positive()

export const imageQuerySchema = z.strictObject({
  datasetId: id,
  species: species.optional(),
  breed: z.string().min(1).max(100).optional(),
  split: split.optional(),
  label: labelState.optional(),
  search: z.string().max(200).optional(),
})
export type ImageQueryArgs = z.infer<typeof imageQuerySchema>

const none = z.undefined()

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
  'images:list': imageQuerySchema,
  'images:facets': imageQuerySchema,
  'images:get': z.strictObject({ id }),
  'labels:get': z.strictObject({ imageId: id }),
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
