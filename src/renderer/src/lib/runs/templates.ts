// Experiment templates: the paper's Table 1 and Table 2 and a label-budget sweep, as lists of
// pipeline steps; runTemplate queues them so each pretraining runs once and later finetunes reuse it.
import type { PretrainMethod } from '../../../../shared/training-protocol'
import type { LabelBudget, RunConfig, RunSummary } from '../../../../shared/types/runs'
import { labelsText, methodLabel, percent } from './format'
import { SWEEP_TAG, TABLE1_METHODS, TABLE1_TAG, TABLE2_FRACTIONS, TABLE2_ROWS, TABLE2_TAG } from './paper'
import { pretrainBatch, sharedSettings, type TrainForm } from './train-form'

export interface TemplateStep {
  /** Steps with the same key share one pretraining run; null: no pretraining (from scratch). */
  pretrainKey: string | null
  pretrain: RunConfig | null
  finetune: RunConfig
}

function pretrainConfig(form: TrainForm, datasetId: number, method: PretrainMethod, tag: string): RunConfig {
  // Pretraining trains the encoder (SimCLR) or the whole autoencoder (MAE) from scratch: never frozen.
  return { kind: 'pretrain', method, ...sharedSettings(form, datasetId), ...pretrainBatch(form, method), frozenEncoder: false, skips: true, tag }
}

function finetuneConfig(
  form: TrainForm,
  datasetId: number,
  over: { method: RunConfig['method']; labels: LabelBudget; frozenEncoder: boolean; skips: boolean; tag: string; seed?: number },
): RunConfig {
  return { kind: 'finetune', ...sharedSettings(form, datasetId), ...over }
}

/** Table 1: each method pretrained once, finetuned with a frozen encoder and skips on 90 % labels. */
export function table1Steps(form: TrainForm, datasetId: number): TemplateStep[] {
  return TABLE1_METHODS.map((method) => {
    const name = methodLabel(method)
    return {
      pretrainKey: method,
      pretrain: pretrainConfig(form, datasetId, method, `${TABLE1_TAG} · ${name} pretraining`),
      finetune: finetuneConfig(form, datasetId, {
        method,
        labels: { mode: 'fraction', fraction: 0.9 },
        frozenEncoder: true,
        skips: true,
        tag: `${TABLE1_TAG} · ${name}`,
      }),
    }
  })
}

/** Table 2: one SimCLR pretraining, twelve finetunes (frozen × skip × 90 / 10 / 1 %). */
export function table2Steps(form: TrainForm, datasetId: number): TemplateStep[] {
  const pretrain = pretrainConfig(form, datasetId, 'simclr', `${TABLE2_TAG} · SimCLR pretraining`)
  return TABLE2_ROWS.flatMap((row) =>
    TABLE2_FRACTIONS.map((fraction) => ({
      pretrainKey: 'simclr',
      pretrain,
      finetune: finetuneConfig(form, datasetId, {
        method: 'simclr',
        labels: { mode: 'fraction', fraction },
        frozenEncoder: row.frozen,
        skips: row.skips,
        tag: `${TABLE2_TAG} · ${row.frozen ? 'frozen' : 'unfrozen'} · ${row.skips ? 'skip' : 'no skip'} · ${percent(fraction)} %`,
      }),
    })),
  )
}

export interface SweepOptions {
  method: PretrainMethod | 'none'
  /** Label counts (images), each finetuned `seeds` times. */
  counts: number[]
  seeds: number
}

/** Parse "10, 50, 100" into distinct positive whole numbers, ascending; throws on anything else. */
export function parseCounts(text: string): number[] {
  const parts = text.split(/[\s,;]+/).filter(Boolean)
  if (!parts.length) throw new Error('Enter at least one label count, e.g. "10, 50, 200".')
  const counts = parts.map((p) => {
    const n = Number(p)
    if (!Number.isInteger(n) || n < 1) throw new Error(`"${p}" is not a whole number of images ≥ 1.`)
    return n
  })
  return [...new Set(counts)].sort((a, b) => a - b)
}

/**
 * Label-budget sweep: one shared pretraining (none for "none"), then a finetune per label count and
 * seed; seeds are the form's seed, seed + 1, … so they vary the labelled subset and initialisation.
 */
export function sweepSteps(form: TrainForm, datasetId: number, opts: SweepOptions): TemplateStep[] {
  if (!opts.counts.length) throw new Error('A sweep needs at least one label count.')
  if (!Number.isInteger(opts.seeds) || opts.seeds < 1) throw new Error('A sweep needs at least one seed.')
  const name = methodLabel(opts.method)
  const pretrain =
    opts.method === 'none' ? null : pretrainConfig(form, datasetId, opts.method, `${SWEEP_TAG} · ${name} pretraining`)
  return opts.counts.flatMap((count) =>
    Array.from({ length: opts.seeds }, (_, i) => {
      const labels: LabelBudget = { mode: 'count', count }
      return {
        pretrainKey: pretrain ? opts.method : null,
        pretrain,
        finetune: finetuneConfig(form, datasetId, {
          method: opts.method,
          labels,
          frozenEncoder: form.frozenEncoder,
          skips: form.skips,
          seed: form.seed + i,
          tag: `${SWEEP_TAG} · ${name} · ${labelsText(labels)}`,
        }),
      }
    }),
  )
}

export type PipelineCall = (args: { pretrain: RunConfig | null; reusePretrainRunId?: number; finetune: RunConfig }) => Promise<RunSummary[]>

/**
 * Queue the steps one after another: the first step of a pretraining key sends its pretraining
 * config, later ones reuse the run id that call returned. Stops at the first failure, saying how far it got.
 */
export async function runTemplate(steps: readonly TemplateStep[], call: PipelineCall): Promise<RunSummary[]> {
  const pretrainIds = new Map<string, number>()
  const queued: RunSummary[] = []
  for (const [i, step] of steps.entries()) {
    const reuse = step.pretrainKey === null ? undefined : pretrainIds.get(step.pretrainKey)
    let result: RunSummary[]
    try {
      result =
        reuse !== undefined
          ? await call({ pretrain: null, reusePretrainRunId: reuse, finetune: step.finetune })
          : await call({ pretrain: step.pretrain, finetune: step.finetune })
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err)
      throw new Error(`Queued ${i} of ${steps.length} finetunes, then: ${why}`, { cause: err })
    }
    queued.push(...result)
    const pretrainRun = result.find((r) => r.kind === 'pretrain')
    if (step.pretrainKey !== null && reuse === undefined && pretrainRun) pretrainIds.set(step.pretrainKey, pretrainRun.id)
  }
  return queued
}
