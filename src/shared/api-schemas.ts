// Validators of the contract (api.ts): every call's argument schema, the run config's, and parseArg,
// which the IPC binding, the web binding and the CLI call before a handler. Main process only: the
// renderer imports api.ts, never this file, so zod stays out of its bundle.
import { z } from 'zod'
import { type ArgOf, type Channel, MAX_TRIMAP_SIDE, trimapDataProblem } from './api'
import { AppError } from './errors'
import { BACKEND_NAMES, PRETRAIN_METHODS } from './training-protocol'
import { simclrAugmentSchema } from './training-schemas'
import { MAX_REVIEW_NOTE, REVIEW_STATES } from './types/dataset'
import { redisUrlArg, RUN_ON } from './types/pool'
import { RUN_TAG_RULES } from './types/runs'

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

const none = z.undefined()

/** A run's settings, as queued and stored with it; RunConfig (types/runs.ts) is its type. */
export const runConfigSchema = z.strictObject({
  kind: z.enum(['pretrain', 'finetune']),
  datasetId: id,
  /** pretrain: the self-supervised objective. finetune: 'none' (from scratch) or its parent's method. */
  method: z.enum([...PRETRAIN_METHODS, 'none']),
  /** finetune only: N labelled images, or a fraction of the labelled trainval pool. */
  labels: z
    .discriminatedUnion('mode', [
      z.strictObject({ mode: z.literal('count'), count: z.number().int().positive() }),
      z.strictObject({ mode: z.literal('fraction'), fraction: z.number().gt(0).lte(1) }),
    ])
    .optional(),
  /**
   * Which images train and which are held out; 'official' when absent (runs from before the choice
   * existed). official: the release's trainval/test split, fractions of the labelled trainval pool.
   * paper (§2.2, §3.2): a seeded 90/10 split of all decodable images, fractions of the whole dataset
   * (1 % ≈ 74 of 7,390).
   */
  split: z.enum(['official', 'paper']).optional(),
  frozenEncoder: z.boolean(),
  skips: z.boolean(),
  epochs: z.number().int().min(1).max(1000),
  batchSize: z.number().int().min(1).max(1024),
  /** Input side for finetuning and MAE (paper: 128); SimCLR views use simclrSize (paper: 64). */
  imageSize: z.number().int().min(16).max(512).multipleOf(8),
  simclrSize: z.number().int().min(16).max(512).multipleOf(8),
  learningRate: z.number().gt(0).lt(1),
  seed: z.number().int().min(0),
  /** Force a backend; otherwise the fastest that loads. */
  backend: z.enum(BACKEND_NAMES).optional(),
  /** Where it trains: this machine or the worker pool; the app's "Run on" setting when absent. */
  runOn: z.enum(RUN_ON).optional(),
  /**
   * batchSize is the paper's: where the backend cannot hold it, planning lowers it to the largest batch
   * that fits and says so in the plan's notes.
   */
  paperBatch: z.boolean().optional(),
  /** finetune from this pretraining run's encoder. */
  parentRunId: id.nullable().optional(),
  /** Free text shown in the runs table (e.g. "Table 2 · frozen · skip · 10%"). */
  tag: z.string().max(200).optional(),
  /** Channels per encoder level; the paper's [32, 64, 128, 256] when absent (tests use tiny ones). */
  channels: z.array(z.number().int().min(1).max(1024)).min(1).max(6).optional(),
  /**
   * SimCLR pretraining: the augmentation applied, the paper's unless set; planning fills it in. A run
   * without it was trained with the older pipeline (grayscale p=0.2, fixed jitter order, YIQ hue).
   */
  augment: simclrAugmentSchema.optional(),
  /**
   * finetune: which epoch the run keeps — the last (default), or the one with the best held-out
   * foreground IoU, whose checkpoint and metrics (with bestEpoch) then stand for the run.
   */
  keep: z.enum(['last', 'best']).optional(),
})

const pipelineArgsSchema = z.strictObject({ pretrain: runConfigSchema.nullable(), reusePretrainRunId: id.optional(), finetune: runConfigSchema })
/** An experiment template's pipelines (Table 2 with 20 seeds is 240). */
const pipelineItemsSchema = z.strictObject({ items: z.array(pipelineArgsSchema).min(1).max(1000) })

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
  'runs:pipeline': pipelineArgsSchema,
  'runs:planMany': pipelineItemsSchema,
  'runs:queueMany': pipelineItemsSchema,
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
