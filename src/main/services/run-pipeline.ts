// The one-click pipeline behind runs:pipeline: a pretraining (or an identical one already here, or a
// named one) and the finetune on its encoder, both checked before either is queued. RunsService
// delegates to it; reusablePretrain is also how run-batch.ts shares a pretraining across a sweep.
import { AppError } from '../../shared/errors'
import type { PipelineArgs } from '../../shared/run-batch'
import type { RunConfig, RunSummary } from '../../shared/types/runs'
import type { RunsRepo } from '../db/repositories/runs-repo'
import { channelsOf } from '../training/worker/models/unet'
import { samePretrainConfig } from './run-names'
import type { Planned } from './run-plan'

export interface PipelineDeps {
  repo: RunsRepo
  /** The run planned, or a BAD_INPUT error saying why it cannot start. */
  planOrThrow(config: RunConfig): Promise<Planned>
  /** Queues a planned run (announced, and the queue started). */
  insert(p: Planned): RunSummary
  summary(id: number): RunSummary
}

/** Pretrain (or reuse a pretraining run), then finetune from its encoder once it is done. */
export async function queuePipeline(d: PipelineDeps, args: PipelineArgs): Promise<RunSummary[]> {
  let parentId = args.reusePretrainRunId ?? args.finetune.parentRunId ?? null
  if (args.reusePretrainRunId === undefined && args.pretrain) {
    const pre = await d.planOrThrow({ ...args.pretrain, kind: 'pretrain', parentRunId: null })
    // Check the finetune before queueing anything, as if its parent were already done.
    await d.planOrThrow({ ...args.finetune, kind: 'finetune', method: 'none', parentRunId: null })
    const [a, b] = [channelsOf(pre.config).join(', '), channelsOf(args.finetune).join(', ')]
    if (a !== b) throw new AppError('BAD_INPUT', `the pretrained encoder would not fit the finetune: channels [${a}] vs [${b}]`)
    parentId = reusablePretrain(d.repo, pre.config) ?? d.insert(pre).id
  }
  const fine = await d.planOrThrow({ ...args.finetune, kind: 'finetune', parentRunId: parentId })
  const runs = parentId !== null ? [d.summary(parentId)] : []
  return [...runs, d.insert(fine)]
}

/** An identical pretraining run, finished (preferred) or still to finish, so a sweep pretrains once. */
export function reusablePretrain(repo: RunsRepo, config: RunConfig): number | null {
  const same = repo.list(config.datasetId).filter((r) => r.summary.kind === 'pretrain' && samePretrainConfig(r.summary.config, config))
  const done = same.find((r) => r.summary.status === 'done')
  const pending = same.find((r) => ['queued', 'running', 'interrupted'].includes(r.summary.status))
  return (done ?? pending)?.summary.id ?? null
}
