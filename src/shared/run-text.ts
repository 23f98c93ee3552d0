// How a run reads in words wherever it is shown (Train and Compare tabs, the CLI): its method, label
// budget and display name, so a run renamed in the run manager reads the same everywhere.
import type { PretrainMethod } from './training-protocol'
import type { LabelBudget, RunConfig, RunSummary } from './types/runs'

export const METHOD_LABELS: Record<PretrainMethod | 'none', string> = {
  simclr: 'SimCLR',
  'mae-patch': 'MAE patch',
  'mae-pixel': 'MAE pixel',
  'mae-none': 'MAE none',
  none: 'None (from scratch)',
}

export function methodLabel(method: RunConfig['method']): string {
  return METHOD_LABELS[method]
}

/** A fraction as a percentage without float noise: 0.1 → "10", 0.015 → "1.5". */
export function percent(fraction: number): string {
  return String(Math.round(fraction * 1000) / 10)
}

/** "90 %" or "25 images"; a pretraining run has no budget. */
export function labelsText(labels: LabelBudget | undefined): string {
  if (!labels) return '—'
  if (labels.mode === 'count') return `${labels.count} image${labels.count === 1 ? '' : 's'}`
  return `${percent(labels.fraction)} %`
}

/**
 * A run's name as the user sees it. The name starts as the template's tag (or a description of the
 * config) and is what the run manager renames, so it wins over the tag, which never changes.
 */
export function runDisplayName(run: Pick<RunSummary, 'id' | 'name' | 'config'>): string {
  return run.name.trim() || run.config.tag?.trim() || `run #${run.id}`
}

/** "#12 Paper Table 1 · SimCLR": the id and the display name, as lists and legends show a run. */
export function runTitle(run: Pick<RunSummary, 'id' | 'name' | 'config'>): string {
  return `#${run.id} ${runDisplayName(run)}`
}
