// An experiment template's plan in words for the preview the Train tab shows before queueing: per
// run, what it trains on and where its encoder comes from; for the whole, what it adds and reuses.
import type { BatchItemPlan, BatchPlan } from '../../../../shared/run-batch'
import { STATUS_LABELS } from './format'

export interface PreviewRow {
  n: number
  name: string
  trainCount: number
  evalCount: number
  /** "new pretraining", "shares run 1's pretraining", "reuses #12 (done)", "from scratch". */
  encoder: string
  reused: boolean
  problems: string[]
}

function encoderText(p: BatchItemPlan['pretrain']): string {
  if (p === null) return 'from scratch'
  if (p.action === 'new') return `new pretraining on ${p.plan.trainCount} images`
  if (p.action === 'shared') return `shares run ${p.item + 1}'s pretraining`
  return `reuses #${p.runId} ${p.name} (${STATUS_LABELS[p.status].toLowerCase()})`
}

export function previewRows(plan: BatchPlan): PreviewRow[] {
  return plan.items.map((it, i) => ({
    n: i + 1,
    name: it.name,
    trainCount: it.finetune.trainCount,
    evalCount: it.finetune.evalCount,
    encoder: encoderText(it.pretrain),
    reused: it.pretrain?.action === 'reuse',
    problems: it.problems,
  }))
}

/** "Queues 4 finetunes and 1 new pretraining; reuses #3." or why nothing can be queued. */
export function previewSummary(plan: BatchPlan): string {
  const refused = plan.items.filter((it) => it.problems.length).length
  if (refused) return `Nothing will be queued: ${refused} of ${plan.items.length} runs would be refused (below). Change the template or the form and preview again.`
  const fin = `${plan.items.length} finetune${plan.items.length === 1 ? '' : 's'}`
  const pre = `${plan.newPretrains} new pretraining${plan.newPretrains === 1 ? '' : 's'}`
  const reuse = plan.reused.length ? `; reuses ${plan.reused.map((id) => `#${id}`).join(', ')} instead of pretraining again` : ''
  return `Queues ${fin} and ${pre}${reuse}.`
}

/** How many runs "Queue all" adds: every finetune and each new pretraining. */
export const runsToQueue = (plan: BatchPlan): number => plan.items.length + plan.newPretrains
