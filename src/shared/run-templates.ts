// Experiment templates: the paper's Table 1 and Table 2 (K seeds, the paper's split) and a label-budget
// sweep, as lists of pipeline steps. Pure, shared by the Train tab and the CLI's `queue template`;
// both queue them with 'runs:queueMany', which reuses identical pretrainings and queues all or nothing.
import type { PipelineArgs } from './run-batch'
import { SWEEP_TAG, TABLE1_METHODS, TABLE1_TAG, TABLE2_FRACTIONS, TABLE2_ROWS, TABLE2_TAG } from './paper-settings'
import { labelsText, methodLabel, percent } from './run-text'
import type { PretrainMethod } from './training-protocol'
import { finetuneBatch, keepOf, pretrainBatch, sharedSettings, type TrainForm } from './train-form'
import type { LabelBudget, RunConfig } from './types/runs'

export interface TemplateStep {
  /** Steps with the same key share one pretraining run; null: no pretraining (from scratch). */
  pretrainKey: string | null
  pretrain: RunConfig | null
  finetune: RunConfig
}

/** Seeds of K repetitions: the form's seed, seed + 1, … */
export function seedsOf(form: TrainForm, k: number): number[] {
  if (!Number.isInteger(k) || k < 1 || k > 20) throw new Error('The number of seeds (K) must be a whole number from 1 to 20.')
  return Array.from({ length: k }, (_, i) => form.seed + i)
}

function pretrainConfig(form: TrainForm, datasetId: number, method: PretrainMethod, tag: string, seed = form.seed): RunConfig {
  // Pretraining trains the encoder (SimCLR) or the whole autoencoder (MAE) from scratch: never frozen.
  return { kind: 'pretrain', method, ...sharedSettings(form, datasetId), ...pretrainBatch(form, method), frozenEncoder: false, skips: true, seed, tag }
}

function finetuneConfig(
  form: TrainForm,
  datasetId: number,
  over: { method: RunConfig['method']; labels: LabelBudget; frozenEncoder: boolean; skips: boolean; tag: string; seed?: number },
): RunConfig {
  return { kind: 'finetune', ...sharedSettings(form, datasetId), ...finetuneBatch(form), ...keepOf(form), ...over }
}

// The paper's tables are run under its protocol (§2.2): the seeded 90/10 split of the whole dataset.
const paperForm = (form: TrainForm): TrainForm => ({ ...form, split: 'paper' })

/**
 * Table 1, K seeds: per seed, each method pretrained and finetuned frozen, with skips, on 90 %. Under
 * the paper split the held-out images follow the seed, so each seed has its own pretrainings.
 */
export function table1Steps(input: TrainForm, datasetId: number, seeds = 1): TemplateStep[] {
  const form = paperForm(input)
  return seedsOf(form, seeds).flatMap((seed) =>
    TABLE1_METHODS.map((method) => {
      const name = methodLabel(method)
      return {
        pretrainKey: `${method}#${seed}`,
        pretrain: pretrainConfig(form, datasetId, method, `${TABLE1_TAG} · ${name} pretraining`, seed),
        finetune: finetuneConfig(form, datasetId, {
          method, labels: { mode: 'fraction', fraction: 0.9 }, frozenEncoder: true, skips: true, seed, tag: `${TABLE1_TAG} · ${name}`,
        }),
      }
    }),
  )
}

/** Table 2, K seeds: per seed one SimCLR pretraining and twelve finetunes (frozen × skip × 90 / 10 / 1 %). */
export function table2Steps(input: TrainForm, datasetId: number, seeds = 1): TemplateStep[] {
  const form = paperForm(input)
  return seedsOf(form, seeds).flatMap((seed) => {
    const pretrain = pretrainConfig(form, datasetId, 'simclr', `${TABLE2_TAG} · SimCLR pretraining`, seed)
    return TABLE2_ROWS.flatMap((row) =>
      TABLE2_FRACTIONS.map((fraction) => ({
        pretrainKey: `simclr#${seed}`,
        pretrain,
        finetune: finetuneConfig(form, datasetId, {
          method: 'simclr',
          labels: { mode: 'fraction', fraction },
          frozenEncoder: row.frozen,
          skips: row.skips,
          seed,
          tag: `${TABLE2_TAG} · ${row.frozen ? 'frozen' : 'unfrozen'} · ${row.skips ? 'skip' : 'no skip'} · ${percent(fraction)} %`,
        }),
      })),
    )
  })
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
 * Under the paper split the held-out images follow the seed, so each seed pretrains its own encoder.
 */
export function sweepSteps(form: TrainForm, datasetId: number, opts: SweepOptions): TemplateStep[] {
  if (!opts.counts.length) throw new Error('A sweep needs at least one label count.')
  if (!Number.isInteger(opts.seeds) || opts.seeds < 1) throw new Error('A sweep needs at least one seed.')
  const name = methodLabel(opts.method)
  const method = opts.method
  const perSeed = form.split === 'paper'
  const pretrainSeed = (seed: number): number => (perSeed ? seed : form.seed)
  return opts.counts.flatMap((count) =>
    Array.from({ length: opts.seeds }, (_, i) => {
      const labels: LabelBudget = { mode: 'count', count }
      const seed = form.seed + i
      return {
        pretrainKey: method === 'none' ? null : perSeed ? `${method}#${seed}` : method,
        pretrain: method === 'none' ? null : pretrainConfig(form, datasetId, method, `${SWEEP_TAG} · ${name} pretraining`, pretrainSeed(seed)),
        finetune: finetuneConfig(form, datasetId, {
          method, labels, frozenEncoder: form.frozenEncoder, skips: form.skips, seed, tag: `${SWEEP_TAG} · ${name} · ${labelsText(labels)}`,
        }),
      }
    }),
  )
}

/** The steps as the queueMany call takes them: the service finds which pretrainings are shared or already there. */
export function pipelineItems(steps: readonly TemplateStep[]): PipelineArgs[] {
  return steps.map((s) => ({ pretrain: s.pretrain, finetune: s.finetune }))
}

/** "2 pretrainings + 12 finetunes" */
export function describeSteps(steps: readonly TemplateStep[]): string {
  const pretrains = new Set(steps.map((s) => s.pretrainKey).filter((k) => k !== null)).size
  return `${pretrains} pretraining${pretrains === 1 ? '' : 's'} + ${steps.length} finetune${steps.length === 1 ? '' : 's'}`
}
