// The Train tab's form (also the CLI's `queue template` flags) and how it becomes run configs: a
// pretraining run (unless the method is "none") and the finetune on its encoder, each at its own
// batch. Defaults finish on a CPU; the paper's are a preset. Pure: no Vue, no DOM.
import { z } from 'zod'
import { PAPER_SETTINGS } from './paper-settings'
import { BACKEND_NAMES, PRETRAIN_METHODS, type PretrainMethod } from './training-protocol'
import { RUN_ON, type RunOn } from './types/pool'
import type { BackendName, DataSplit, LabelBudget, RunConfig } from './types/runs'

/** The run settings the form edits as they are, plus its own shapes for labels and backend. */
type SharedSettings = Pick<
  RunConfig,
  'frozenEncoder' | 'skips' | 'epochs' | 'batchSize' | 'imageSize' | 'simclrSize' | 'learningRate' | 'seed'
>

export interface TrainForm extends SharedSettings {
  method: PretrainMethod | 'none'
  labelMode: 'count' | 'fraction'
  labelCount: number
  /** Percent of the labelled trainval pool, 0 < p ≤ 100. */
  labelPercent: number
  backend: 'auto' | BackendName
  /** Where the runs train: as the "Run on" setting says when they start, or always here or on the pool. */
  runOn: 'setting' | RunOn
  /** The pretraining run's batch; batchSize is the finetune's (the paper: 384 and 256). */
  pretrainBatchSize: number
  split: DataSplit
  /** Which epoch a finetune keeps: the last, or the one with the best held-out foreground IoU. */
  keep: 'last' | 'best'
  /**
   * Set by the paper preset: runs ask for the paper's batches (SimCLR 384, finetune and MAE 256), each
   * lowered by planning to what the backend holds, out loud. Each applies while its field still shows
   * the paper's number; a batch typed in is taken as it is.
   */
  paperBatches?: boolean
}

/** Small enough that a pretrain + finetune on the wasm backend finishes in minutes. */
export const CPU_DEFAULTS: TrainForm = {
  method: 'simclr',
  labelMode: 'fraction',
  labelCount: 100,
  labelPercent: 10,
  frozenEncoder: true,
  skips: true,
  epochs: 5,
  batchSize: 16,
  pretrainBatchSize: 16,
  imageSize: 64,
  simclrSize: 64,
  learningRate: PAPER_SETTINGS.learningRate,
  seed: 1,
  backend: 'auto',
  runOn: 'setting',
  split: 'official',
  keep: 'last',
}

/**
 * A saved form as it must be to be used again (localStorage is written by older versions and by
 * hand): fields a newer form added are filled from the defaults before checking, anything else wrong
 * makes parseTrainForm answer null.
 */
const trainFormSchema = z.object({
  method: z.enum([...PRETRAIN_METHODS, 'none']),
  labelMode: z.enum(['count', 'fraction']),
  labelCount: z.number(),
  labelPercent: z.number(),
  frozenEncoder: z.boolean(),
  skips: z.boolean(),
  epochs: z.number(),
  batchSize: z.number(),
  pretrainBatchSize: z.number(),
  imageSize: z.number(),
  simclrSize: z.number(),
  learningRate: z.number(),
  seed: z.number(),
  backend: z.enum(['auto', ...BACKEND_NAMES]),
  runOn: z.enum(['setting', ...RUN_ON]),
  split: z.enum(['official', 'paper']),
  keep: z.enum(['last', 'best']),
  paperBatches: z.boolean().optional(),
})

/** A form read back from storage, or null when it is not one (corrupt, or from an incompatible version). */
export function parseTrainForm(value: unknown): TrainForm | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const r = trainFormSchema.safeParse({ ...CPU_DEFAULTS, ...value })
  return r.success ? r.data : null
}

/** The paper's training settings and batches on top of the form's experiment choices. */
export function withPaperSettings(form: TrainForm): TrainForm {
  return {
    ...form,
    epochs: PAPER_SETTINGS.epochs,
    imageSize: PAPER_SETTINGS.imageSize,
    simclrSize: PAPER_SETTINGS.simclrSize,
    learningRate: PAPER_SETTINGS.learningRate,
    batchSize: PAPER_SETTINGS.batchSize.finetune,
    pretrainBatchSize: PAPER_SETTINGS.batchSize.simclr,
    split: 'paper',
    paperBatches: true,
  }
}

const paperFinetuneBatch = (form: TrainForm): boolean => form.paperBatches === true && form.batchSize === PAPER_SETTINGS.batchSize.finetune
const paperPretrainBatch = (form: TrainForm): boolean => form.paperBatches === true && form.pretrainBatchSize === PAPER_SETTINGS.batchSize.simclr

type BatchSettings = Pick<RunConfig, 'batchSize' | 'paperBatch'>

/** A finetune's batch: the form's, marked as the paper's while the preset's 256 stands. */
export function finetuneBatch(form: TrainForm): BatchSettings {
  return paperFinetuneBatch(form) ? { batchSize: form.batchSize, paperBatch: true } : { batchSize: form.batchSize }
}

/**
 * A pretraining run's batch: the form's pretraining batch; under the preset SimCLR's 384, and for MAE,
 * whose batch the paper does not give, its finetune's 256 (MAE trains at the finetune's 128 px).
 */
export function pretrainBatch(form: TrainForm, method: PretrainMethod): BatchSettings {
  if (!paperPretrainBatch(form)) return { batchSize: form.pretrainBatchSize }
  return { batchSize: method === 'simclr' ? PAPER_SETTINGS.batchSize.simclr : PAPER_SETTINGS.batchSize.finetune, paperBatch: true }
}

export const LABEL_PERCENT_PICKS = [1, 10, 90] as const

export function labelBudget(form: TrainForm): LabelBudget {
  return form.labelMode === 'count'
    ? { mode: 'count', count: form.labelCount }
    : { mode: 'fraction', fraction: Math.round(form.labelPercent * 1000) / 100_000 }
}

/** Settings both runs of a pipeline share (not the batch: each run has its own). */
export function sharedSettings(form: TrainForm, datasetId: number) {
  return {
    datasetId,
    split: form.split,
    frozenEncoder: form.frozenEncoder,
    skips: form.skips,
    epochs: form.epochs,
    imageSize: form.imageSize,
    simclrSize: form.simclrSize,
    learningRate: form.learningRate,
    seed: form.seed,
    ...(form.backend === 'auto' ? {} : { backend: form.backend }),
    ...(form.runOn === 'setting' ? {} : { runOn: form.runOn }),
  }
}

/** A finetune's keep setting; 'last' is the default and left out, so older configs compare equal. */
export function keepOf(form: Pick<TrainForm, 'keep'>): Pick<RunConfig, 'keep'> {
  return form.keep === 'best' ? { keep: 'best' } : {}
}

export interface PipelineConfigs {
  pretrain: RunConfig | null
  finetune: RunConfig
}

/** The pipeline the headline button queues; method "none" is a finetune from scratch. */
export function toConfigs(form: TrainForm, datasetId: number): PipelineConfigs {
  const shared = sharedSettings(form, datasetId)
  const finetune: RunConfig = { kind: 'finetune', method: form.method, labels: labelBudget(form), ...shared, ...finetuneBatch(form), ...keepOf(form) }
  if (form.method === 'none') return { pretrain: null, finetune }
  return { pretrain: { kind: 'pretrain', method: form.method, ...shared, ...pretrainBatch(form, form.method) }, finetune }
}

/** "Finetune only": the same finetune, without pretraining (encoder from scratch). */
export function scratchFinetune(form: TrainForm, datasetId: number): RunConfig {
  return { ...toConfigs(form, datasetId).finetune, method: 'none' }
}

/** Problems the form itself can see before asking the service (bad numbers typed in). */
export function formProblems(form: TrainForm): string[] {
  const problems: string[] = []
  const int = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max
  if (form.labelMode === 'count' && !int(form.labelCount, 1, 1_000_000)) problems.push('The number of labelled images must be a whole number ≥ 1.')
  if (form.labelMode === 'fraction' && !(form.labelPercent > 0 && form.labelPercent <= 100)) problems.push('The label fraction must be above 0 % and at most 100 %.')
  if (!int(form.epochs, 1, 1000)) problems.push('Epochs must be a whole number from 1 to 1000.')
  if (!int(form.batchSize, 1, 1024)) problems.push('The finetune batch must be a whole number from 1 to 1024.')
  if (form.method !== 'none' && !int(form.pretrainBatchSize, 1, 1024)) problems.push('The pretraining batch must be a whole number from 1 to 1024.')
  for (const [name, v] of [['Image size', form.imageSize], ['SimCLR size', form.simclrSize]] as const) {
    if (!int(v, 16, 512) || v % 8 !== 0) problems.push(`${name} must be a multiple of 8 from 16 to 512 px.`)
  }
  if (!(form.learningRate > 0 && form.learningRate < 1)) problems.push('The learning rate must be above 0 and below 1.')
  if (!int(form.seed, 0, Number.MAX_SAFE_INTEGER)) problems.push('The seed must be a whole number ≥ 0.')
  return problems
}
