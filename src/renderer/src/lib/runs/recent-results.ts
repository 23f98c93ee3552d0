// The Train tab's "Finished" list: the last few finetunes that ended with held-out metrics, newest
// first, so a result is read where the run was started.
import type { RunSummary } from '../../../../shared/types/runs'

export function recentResults(runs: readonly RunSummary[], limit = 5): RunSummary[] {
  return runs
    .filter((r) => r.status === 'done' && r.kind === 'finetune' && r.metrics !== null)
    .sort((a, b) => (b.finishedAt ?? '').localeCompare(a.finishedAt ?? '') || b.id - a.id)
    .slice(0, limit)
}

/** "best of 20 epochs: 14" for a run that kept its best epoch, else null. */
export function keptEpochText(run: RunSummary): string | null {
  const best = run.metrics?.bestEpoch
  return best === undefined ? null : `best epoch ${best} of ${run.config.epochs}`
}
