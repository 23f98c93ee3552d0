// Hand-made runs for the runs UI tests: a summary with sensible defaults and metrics built from F1/Jaccard.
import type { BatchPlan, PipelineArgs } from '../../../src/shared/run-batch'
import type { EpochMetrics } from '../../../src/shared/training-protocol'
import type { RunConfig, RunDetail, RunPlan, RunSummary } from '../../../src/shared/types/runs'

export function config(over: Partial<RunConfig> = {}): RunConfig {
  return {
    kind: 'finetune',
    datasetId: 1,
    method: 'simclr',
    labels: { mode: 'fraction', fraction: 0.9 },
    frozenEncoder: true,
    skips: true,
    epochs: 5,
    batchSize: 16,
    imageSize: 64,
    simclrSize: 64,
    learningRate: 0.001,
    seed: 1,
    ...over,
  }
}

export function metrics(jaccard: number, over: Partial<EpochMetrics> = {}): EpochMetrics {
  return { f1: jaccard + 0.1, jaccard, iou: [jaccard, jaccard, null], meanIou: jaccard, foregroundIou: jaccard, pixelAccuracy: 0.9, ...over }
}

export function run(id: number, over: Partial<RunSummary> & { cfg?: Partial<RunConfig> } = {}): RunSummary {
  const { cfg, ...rest } = over
  const c = config(cfg)
  return {
    id,
    name: `run-${id}`,
    kind: c.kind,
    status: 'done',
    config: c,
    parentRunId: null,
    backend: 'wasm',
    queuePosition: null,
    createdAt: '2026-01-01T00:00:00Z',
    startedAt: null,
    finishedAt: null,
    progress: null,
    metrics: null,
    lastLoss: null,
    error: null,
    ...rest,
  }
}

export function detail(summary: RunSummary, over: Partial<RunDetail> = {}): RunDetail {
  return { ...summary, epochs: [], manifest: { train: [], eval: [] }, backendReport: null, checkpointDir: null, ...over }
}

export function plan(over: Partial<RunPlan> = {}): RunPlan {
  return {
    ok: true,
    problems: [],
    labelledPool: 3312,
    trainCount: 331,
    evalCount: 368,
    totalImages: 7390,
    backend: {
      name: 'wasm',
      threads: 2,
      attempts: [
        { backend: 'tfjs-node-gpu', ok: false, reason: 'no CUDA library found' },
        { backend: 'tfjs-node', ok: false, reason: 'package not installed' },
        { backend: 'wasm', ok: true, reason: 'loaded' },
      ],
    },
    ...over,
  }
}

/**
 * A fake 'runs:planMany': identical pretrainings shared within the batch (the first queues it), every
 * finetune fine unless `refuse` says why not.
 */
export function batchPlan(items: PipelineArgs[], refuse: (it: PipelineArgs) => string[] = () => []): BatchPlan {
  const seen: string[] = []
  const planned = items.map((it) => {
    const key = JSON.stringify({ ...it.pretrain, tag: undefined })
    const first = it.pretrain ? seen.indexOf(key) : -1
    if (it.pretrain && first === -1) seen.push(key)
    const pretrain = !it.pretrain ? null : first === -1 ? { action: 'new' as const, plan: plan() } : { action: 'shared' as const, item: items.findIndex((o) => JSON.stringify({ ...o.pretrain, tag: undefined }) === key) }
    const problems = refuse(it)
    return { name: it.finetune.tag ?? 'finetune', pretrain, finetune: plan({ ok: !problems.length, problems }), problems }
  })
  return { ok: planned.every((p) => !p.problems.length), items: planned, newPretrains: seen.length, reused: [] }
}

/** A fake 'runs:queueMany': each new pretraining once (ids from 100), then the finetunes. */
export function queuedBatch(items: PipelineArgs[]): RunSummary[] {
  const p = batchPlan(items)
  let id = 100
  return p.items.flatMap((it, i) => [
    ...(it.pretrain?.action === 'new' ? [run(id++, { kind: 'pretrain', status: 'queued', cfg: items[i]!.pretrain! })] : []),
    run(id++, { status: 'queued', cfg: items[i]!.finetune }),
  ])
}
