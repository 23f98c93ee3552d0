// Many pipelines at once (an experiment template), all or nothing: every item is planned first —
// pretrainings shared within the batch or reused from the runs already there — and the runs are
// inserted in one transaction only when none is refused. RunsService delegates 'runs:planMany' and
// 'runs:queueMany' here.
import { AppError } from '../../shared/errors'
import { type BatchItemPlan, type BatchPlan, type PipelineArgs, refusalText } from '../../shared/run-batch'
import type { RunConfig, RunSummary } from '../../shared/types/runs'
import type { Db } from '../db/open'
import type { RunsRepo } from '../db/repositories/runs-repo'
import { channelsOf } from '../training/worker/models/unet'
import type { Planned } from './run-plan'
import { runName, samePretrainConfig } from './run-names'

export interface BatchDeps {
  db: Db
  repo: RunsRepo
  /** runs:plan's answer with its normalised config and manifest (never throws for a refused run). */
  plan(config: RunConfig): Promise<Planned>
  /** An identical pretraining already in the database, finished or still to finish (RunsService's choice). */
  reusable(config: RunConfig): number | null
  /** After the transaction: announce the new runs and start the queue. */
  inserted(ids: number[]): void
  summary(id: number): RunSummary
  closed(): boolean
}

/** One item as planned: what its pretraining will be, and the finetune's plan as the pipeline checks it. */
interface ItemWork {
  report: BatchItemPlan
  pre: Planned | null
  fine: Planned
  reuseId: number | null
}

/** What the items would queue; nothing is written. */
export async function planBatch(deps: BatchDeps, items: readonly PipelineArgs[]): Promise<BatchPlan> {
  return summarise(await planItems(deps, items))
}

/** Queues every item, or — when any is refused — none, with an error naming each refused item and why. */
export async function queueBatch(deps: BatchDeps, items: readonly PipelineArgs[]): Promise<RunSummary[]> {
  const work = await planItems(deps, items)
  const plan = summarise(work)
  if (!plan.ok) throw new AppError('BAD_INPUT', refusalText(plan))
  if (deps.closed()) throw new AppError('INTERNAL', 'The runs service is closed')
  const { ids, order } = deps.db.transaction(() => insertAll(deps, work))()
  deps.inserted(ids)
  return order.map((id) => deps.summary(id))
}

async function planItems(deps: BatchDeps, items: readonly PipelineArgs[]): Promise<ItemWork[]> {
  const work: ItemWork[] = []
  for (const item of items) work.push(await planItem(deps, item, work))
  return work
}

async function planItem(deps: BatchDeps, item: PipelineArgs, earlier: readonly ItemWork[]): Promise<ItemWork> {
  const reuseGiven = item.reusePretrainRunId ?? (item.pretrain ? undefined : item.finetune.parentRunId ?? undefined)
  if (reuseGiven !== undefined || !item.pretrain) {
    // A named parent (or none: from scratch) is checked as runs:pipeline checks it, parent and all.
    const fine = await deps.plan({ ...item.finetune, kind: 'finetune', parentRunId: reuseGiven ?? null })
    const parent = reuseGiven !== undefined ? deps.repo.get(reuseGiven) : null
    const pretrain = parent ? { action: 'reuse' as const, runId: parent.summary.id, name: parent.summary.name, status: parent.summary.status } : null
    return work(fine, null, reuseGiven ?? null, pretrain, [])
  }
  const pre = await deps.plan({ ...item.pretrain, kind: 'pretrain', parentRunId: null })
  // The finetune is checked as if its parent were done, as runs:pipeline does before queueing anything.
  const fine = await deps.plan({ ...item.finetune, kind: 'finetune', method: 'none', parentRunId: null })
  const problems = [...pre.plan.problems.map((p) => `pretraining: ${p}`), ...encoderProblems(pre, fine)]
  const shared = earlier.findIndex((w) => w.pre !== null && samePretrainConfig(w.pre.config, pre.config))
  const existing = shared === -1 ? deps.reusable(pre.config) : null
  if (shared !== -1) return work(fine, pre, null, { action: 'shared', item: shared }, problems)
  if (existing !== null) {
    const r = deps.repo.get(existing)!.summary
    return work(fine, pre, existing, { action: 'reuse', runId: r.id, name: r.name, status: r.status }, problems)
  }
  return work(fine, pre, null, { action: 'new', plan: pre.plan }, problems)
}

function work(fine: Planned, pre: Planned | null, reuseId: number | null, pretrain: BatchItemPlan['pretrain'], problems: string[]): ItemWork {
  const all = [...problems, ...fine.plan.problems]
  // Named with the method it will have, not the "from scratch" it was planned as.
  const name = runName({ ...fine.config, method: pre?.config.method ?? fine.config.method }, fine.plan.trainCount)
  return { report: { name, pretrain, finetune: fine.plan, problems: all }, pre, fine, reuseId }
}

/** The pretrained encoder must fit the finetune's U-Net, and under the paper split must not have seen its held-out images. */
function encoderProblems(pre: Planned, fine: Planned): string[] {
  const [a, b] = [channelsOf(pre.config).join(', '), channelsOf(fine.config).join(', ')]
  if (a !== b) return [`the pretrained encoder would not fit the finetune: channels [${a}] vs [${b}]`]
  if (fine.config.split !== 'paper') return []
  const seen = new Set(pre.manifest.train)
  const overlap = fine.manifest.eval.filter((n) => seen.has(n)).length
  return overlap ? [`its pretraining would see ${overlap} of its ${fine.manifest.eval.length} held-out images: pretrain with the same seed and split`] : []
}

function summarise(work: readonly ItemWork[]): BatchPlan {
  const reused = new Set<number>()
  for (const w of work) if (w.report.pretrain?.action === 'reuse') reused.add(w.report.pretrain.runId)
  return {
    ok: work.every((w) => w.report.problems.length === 0),
    items: work.map((w) => w.report),
    newPretrains: work.filter((w) => w.report.pretrain?.action === 'new').length,
    reused: [...reused],
  }
}

/** Inside the transaction: each new pretraining once, then every finetune on its encoder. */
function insertAll(deps: BatchDeps, work: readonly ItemWork[]): { ids: number[]; order: number[] } {
  const ids: number[] = []
  const order: number[] = []
  const pretrainIds: (number | null)[] = []
  const add = (p: Planned): number => {
    const id = deps.repo.insert({ name: runName(p.config, p.plan.trainCount), config: p.config, manifest: p.manifest })
    ids.push(id)
    return id
  }
  for (const w of work) {
    const pt = w.report.pretrain
    const parentId = pt === null ? null : pt.action === 'shared' ? pretrainIds[pt.item]! : pt.action === 'reuse' ? pt.runId : add(w.pre!)
    pretrainIds.push(parentId)
    // The finetune was planned as if from scratch; it takes its parent's method and id now.
    const method = parentId === null ? w.fine.config.method : deps.repo.get(parentId)!.summary.config.method
    const fine: Planned = { ...w.fine, config: { ...w.fine.config, method, parentRunId: parentId } }
    if (parentId !== null && !order.includes(parentId)) order.push(parentId)
    order.push(add(fine))
  }
  return { ids, order }
}
