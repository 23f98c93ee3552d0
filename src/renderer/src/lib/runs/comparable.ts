// Which runs may be averaged together: runs whose settings are identical apart from the seed (and tag,
// backend). Used by the grouped table and the paper tables before they show a mean ± std.
import type { RunSummary } from '../../../../shared/types/runs'
import { labelsText, methodLabel } from './format'

/** One setting of a run as [what, value], e.g. ['batch', '16']. */
export type Setting = readonly [string, string]

/** Looks up a run by id (a finetune's pretraining run), where the caller has it. */
export type RunLookup = (id: number) => RunSummary | undefined

function ownSettings(run: RunSummary): Setting[] {
  const c = run.config
  const out: Setting[] = [
    ['kind', c.kind],
    ['method', methodLabel(c.method)],
    ['labels', labelsText(c.labels)],
    ['split', `${c.split ?? 'official'} split`],
    ['encoder', c.frozenEncoder ? 'frozen' : 'trainable'],
    ['skips', c.skips ? 'skips' : 'no skips'],
    ['epochs', `${c.epochs} ep`],
    ['batch', `batch ${c.batchSize}`],
    ['image size', `${c.imageSize} px`],
    ['learning rate', `lr ${c.learningRate}`],
    ['dataset', `dataset ${c.datasetId}`],
  ]
  if (c.channels) out.push(['channels', `channels ${c.channels.join('/')}`])
  if (c.method === 'simclr') out.push(['SimCLR size', `SimCLR ${c.simclrSize} px`])
  const a = c.augment
  if (a) out.push(['augmentation', `crop ${a.scale.join('–')}, jitter p=${a.jitterProb}, gray p=${a.grayProb}`])
  return out
}

/**
 * Everything that defines the experiment except the seed: the run's settings and, for a finetune, its
 * pretraining run's (a SimCLR encoder pretrained at batch 16 is another experiment than one at 384).
 */
export function settingsOf(run: RunSummary, lookup?: RunLookup): Setting[] {
  const own = ownSettings(run)
  if (run.kind !== 'finetune' || run.parentRunId === null) return own
  const parent = lookup?.(run.parentRunId)
  if (!parent) return [...own, ['pretraining', `pretraining #${run.parentRunId} (not listed)`]]
  const pre = ownSettings(parent).filter(([k]) => !['kind', 'method', 'labels', 'encoder', 'dataset', 'split'].includes(k))
  return [...own, ...pre.map(([k, v]): Setting => [`pretraining ${k}`, `pretraining ${v}`])]
}

/** The run's own settings as one line; runs with the same key differ only in the seed. */
export function configKey(run: RunSummary, lookup?: RunLookup): string {
  return settingsOf(run, lookup)
    .filter(([k]) => k !== 'dataset')
    .map(([, v]) => v)
    .join(' · ')
}

/**
 * A measured run's settings plus how its metrics were taken: runs from before the evaluation batch was
 * fixed were scored at their training batch, and the paper's batch-averaged F1/Jaccard depend on it.
 */
function measuredSettings(run: RunSummary, lookup?: RunLookup): Setting[] {
  const evalBatch = run.metrics?.evalBatch ?? run.config.batchSize
  return [...settingsOf(run, lookup), ['eval batch', `test batch ${evalBatch}`]]
}

export interface Mixed {
  /** The settings that differ between the group's measured runs, e.g. ['batch', 'labels']. */
  differing: string[]
  /** Each measured run with its values of those settings: "#12 · batch 16 · 10 %". */
  members: { run: RunSummary; text: string }[]
}

/** Null when the measured runs may be averaged (identical apart from the seed); else what differs. */
export function mixedSettings(runs: readonly RunSummary[], lookup?: RunLookup): Mixed | null {
  const measured = runs.filter((r) => r.metrics !== null)
  const all = measured.map((r) => new Map(measuredSettings(r, lookup)))
  const keys = [...new Set(all.flatMap((m) => [...m.keys()]))]
  const differing = keys.filter((k) => new Set(all.map((m) => m.get(k) ?? '—')).size > 1)
  if (differing.length === 0) return null
  return {
    differing,
    members: measured.map((run, i) => ({ run, text: [`#${run.id}`, ...differing.map((k) => all[i]!.get(k) ?? `no ${k}`)].join(' · ') })),
  }
}

/** A lookup over a list of runs. */
export function lookupIn(runs: readonly RunSummary[]): RunLookup {
  const byId = new Map(runs.map((r) => [r.id, r]))
  return (id) => byId.get(id)
}
