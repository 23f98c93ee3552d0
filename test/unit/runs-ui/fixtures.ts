// Hand-made runs for the runs UI tests: a summary with sensible defaults and metrics built from F1/Jaccard.
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
