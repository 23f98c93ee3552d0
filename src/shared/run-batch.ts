// Queueing many pipelines at once (an experiment template): the items as sent, and the plan the
// service answers before anything is queued ('runs:planMany'), which 'runs:queueMany' enforces.
import type { RunConfig, RunPlan, RunStatus } from './types/runs'

/** One pipeline: a pretraining (or a run to reuse, or none) and the finetune on its encoder. */
export interface PipelineArgs {
  pretrain: RunConfig | null
  reusePretrainRunId?: number
  finetune: RunConfig
}

/**
 * Where an item's encoder comes from: a pretraining this batch queues, one an earlier item of the
 * batch queues (shared), an existing run finished or still to finish (reused), or none (from scratch).
 */
export type BatchPretrain =
  | { action: 'new'; plan: RunPlan }
  | { action: 'shared'; item: number }
  | { action: 'reuse'; runId: number; name: string; status: RunStatus }
  | null

export interface BatchItemPlan {
  /** The finetune's name as it would be queued (its tag, or a description of its config). */
  name: string
  pretrain: BatchPretrain
  finetune: RunPlan
  /** Why this item is refused (its pretraining's problems first); empty when it can be queued. */
  problems: string[]
}

export interface BatchPlan {
  /** True when every item can be queued; otherwise 'runs:queueMany' queues none of them. */
  ok: boolean
  items: BatchItemPlan[]
  /** Pretraining runs the batch would add, and existing ones it would reuse. */
  newPretrains: number
  reused: number[]
}

/** "Refused: 2 of 6 items — #3 …: reason; …", the one message a refused batch gives, in the app and the CLI. */
export function refusalText(plan: BatchPlan): string {
  const refused = plan.items.map((it, i) => ({ it, i })).filter(({ it }) => it.problems.length > 0)
  const lines = refused.map(({ it, i }) => `item ${i + 1} (${it.name}): ${it.problems.join('; ')}`)
  return `nothing was queued: ${refused.length} of ${plan.items.length} runs would be refused — ${lines.join(' | ')}`
}
