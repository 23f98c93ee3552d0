// What deleting a run removes, in words: the confirmation the app shows and the CLI prints before
// `runs delete --yes`, from the service's RunDeletePlan, so both say the same.
import type { RunDeletePlan } from './types/runs'

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`
  return `${(n / 1024 ** 3).toFixed(2)} GB`
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`

/** "Delete run #3 "name"? It goes with 5 epochs, 1.2 MB of checkpoints, 40 predictions, and finetunes #4, #5 that depend on it." */
export function deletePlanText(plan: RunDeletePlan): string {
  const run = plan.runs[0]!
  const head = `Delete run #${run.id} "${run.name}"?`
  if (plan.blocked) return `Run #${run.id} cannot be deleted now: ${plan.blocked}.`
  const parts = [plural(plan.epochs, 'epoch'), `${formatBytes(plan.checkpointBytes)} of checkpoints`]
  if (plan.predictions) parts.push(plural(plan.predictions, 'predicted trimap'))
  const deps = plan.dependents.map((d) => `#${d}`).join(', ')
  const also = plan.dependents.length ? `, and ${plan.dependents.length === 1 ? `finetune ${deps}, which depends` : `finetunes ${deps}, which depend`} on it` : ''
  return `${head} Removed for good: the run, ${parts.join(', ')}${also}.`
}
