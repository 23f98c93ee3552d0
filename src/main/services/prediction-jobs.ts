// How a prediction job runs, whatever its destination (the Review tab's store under the data folder, or
// a predictions export folder): predicted in a worker batch by batch, each image saved by the
// destination, progress reported at once on a phase change or the last image, else at most once per interval.
import type { PredictionPhase } from '../../shared/types/predictions'
import type { ImageSummary } from '../../shared/types/dataset'
import { type ImagePrediction, predictImages } from '../training/host/predict-client'
import type { WorkerOptions } from '../training/host/worker-client'
import type { BackendName } from '../training/worker/backend'
import { throttle } from '../../shared/throttle'
import type { DatasetService } from './dataset-service'

export interface JobProgress {
  phase: PredictionPhase
  done: number
  total: number
  error: string | null
}

/** Applies a change to a job's progress and emits it when due. */
export type Reporter = (change: Partial<JobProgress>) => void

export interface PredictionDeps {
  datasets: DatasetService
  backend?: BackendName
  wasmThreads?: number
  worker?: WorkerOptions
  /** Images per worker batch (default 16). */
  batchSize?: number
  /** Least milliseconds between two progress events of a job (default 250). */
  progressIntervalMs?: number
}

/** Emits `p` now, then after each change: at once for a phase change or the last image, else throttled. */
export function progressReporter<P extends JobProgress>(p: P, emit: (p: P) => void, intervalMs = 250): Reporter {
  const due = throttle(intervalMs)
  emit({ ...p })
  return (change) => {
    const final = (change.phase !== undefined && change.phase !== p.phase) || (change.done !== undefined && change.done === p.total)
    Object.assign(p, change)
    if (due(final)) emit({ ...p })
  }
}

/**
 * Predicts `images` with the checkpoint in a worker and hands each image to `save`; true when every
 * image was saved, false when `signal` cancelled the job. A worker crash or a failed save rejects.
 */
export async function predictInto(
  deps: PredictionDeps,
  job: { checkpointDir: string; images: ImageSummary[]; signal: AbortSignal; report: Reporter },
  save: (prediction: ImagePrediction) => Promise<void>,
): Promise<boolean> {
  let done = 0
  return predictImages({
    checkpointDir: job.checkpointDir, images: job.images, resized: (id, size) => deps.datasets.getResized(id, size), batchSize: deps.batchSize ?? 16,
    backend: deps.backend, wasmThreads: deps.wasmThreads, worker: deps.worker, signal: job.signal,
    onReady: () => job.report({ phase: 'predicting' }),
    onBatch: async (batch) => {
      await Promise.all(batch.map(save))
      done += batch.length
      job.report({ done })
    },
  })
}
