// Runs one queued run in a training worker: builds its pixel buffers from the dataset cache, maps the
// run to a worker job (prepareJob, shared with the worker pool), stores backend and epochs as they
// arrive, and throttles progress for the UI.
import { join } from 'node:path'
import { type BackendReport, type FromWorker, PAPER_SIMCLR_AUGMENT, type TrainingData, type TrainingJobInput } from '../../shared/training-protocol'
import { throttle } from '../../shared/throttle'
import type { RunConfig, RunProgress } from '../../shared/types/runs'
import type { RunRecord, RunsRepo } from '../db/repositories/runs-repo'
import { type PixelNames, pixelNamesOf, trainingDataByName } from '../training/host/data/by-name'
import { pixelOrder } from '../training/host/data/from-dataset'
import { type DoneMessage, startTrainingWorker, type WorkerOptions } from '../training/host/worker-client'
import { channelsOf } from '../training/worker/models/unet'
import type { DatasetService } from './dataset-service'

export const SIMCLR_TEMPERATURE = 0.2

/** The job's SimCLR settings: the augmentation recorded in the run's config (the paper's when it has none). */
export function simclrJobOf(cfg: RunConfig): NonNullable<TrainingJobInput['simclr']> {
  return { viewSize: cfg.simclrSize, temperature: SIMCLR_TEMPERATURE, augment: cfg.augment ?? PAPER_SIMCLR_AUGMENT }
}

export interface ExecDeps {
  datasets: DatasetService
  repo: RunsRepo
  runsDir: string
  worker?: WorkerOptions
  /** Least time between two progress events of a run (the last step of an epoch always reports). */
  progressIntervalMs: number
  onProgress(runId: number, progress: RunProgress, lossPoint?: { step: number; loss: number }): void
  /** Something stored about the run changed (backend known, epoch finished). */
  onChanged(runId: number): void
  onBackend(force: string | undefined, report: BackendReport): void
}

export interface Execution {
  cancel(): void
  /** Ignore the worker from now on (the service is closing; the database may be gone). */
  detach(): void
  /** The worker's 'done' (cancelled or not); rejects with the reason the run failed. */
  done: Promise<DoneMessage>
}

export const checkpointDirOf = (runsDir: string, runId: number): string => join(runsDir, String(runId))

/** How this start of the run goes: from its last checkpoint or not, and its worker's wasm threads. */
export interface ExecStart {
  resume: boolean
  wasmThreads?: number
  /** Why wasm got that many threads (e.g. "2 cores shared by 2 runs"), kept with its backend reason. */
  threadsNote?: string
}

/** A run's training job as a local worker takes it, and the pixels (with a pretraining's health batch) it trains on. */
export interface PreparedJob {
  job: TrainingJobInput
  data: TrainingData
  /** The images of `data` by name, in order (a pool worker holding the dataset builds the same pixels from them). */
  names: PixelNames
  checkpointDir: string
}

/**
 * The one mapping from a run to its training job, shared by local runs and the worker pool (which
 * drops the local paths): pixels from the dataset cache, the SSL-health batch, the augmentation.
 */
export async function prepareJob(deps: ExecDeps, rec: RunRecord, start: ExecStart): Promise<PreparedJob> {
  const cfg = rec.summary.config
  const finetune = cfg.kind === 'finetune'
  const names = pixelNamesOf(deps.datasets, cfg.datasetId, rec.manifest, cfg.kind)
  const data = await trainingDataByName(deps.datasets, cfg.datasetId, names, cfg.imageSize, finetune)
  const order = pixelOrder(rec.manifest)
  const parent = cfg.parentRunId ? deps.repo.get(cfg.parentRunId) : null
  const checkpointDir = checkpointDirOf(deps.runsDir, rec.summary.id)
  const job: TrainingJobInput = {
    runId: String(rec.summary.id),
    phase: cfg.kind,
    method: cfg.method,
    model: { inputSize: cfg.imageSize, channels: channelsOf(cfg), skips: cfg.skips, frozenEncoder: cfg.frozenEncoder },
    epochs: cfg.epochs,
    batchSize: cfg.batchSize,
    learningRate: cfg.learningRate,
    seed: cfg.seed,
    trainIndices: order.trainIndices,
    evalIndices: order.evalIndices,
    backend: cfg.backend,
    wasmThreads: start.wasmThreads,
    checkpointDir,
    encoderFrom: finetune && parent ? parent.checkpointDir : null,
    resume: start.resume,
    keep: finetune ? (cfg.keep ?? 'last') : 'last',
    simclr: simclrJobOf(cfg),
  }
  return { job, data, names, checkpointDir }
}

export function executeRun(deps: ExecDeps, rec: RunRecord, start: ExecStart): Execution {
  let cancelled = false
  let detached = false
  let cancelWorker: (() => void) | null = null
  const done = (async (): Promise<DoneMessage> => {
    const { job, data, checkpointDir } = await prepareJob(deps, rec, start)
    if (cancelled) return { type: 'done', cancelled: true, epochsDone: 0, steps: 0, lastLoss: NaN, metrics: null }
    const onMessage = progressForwarder(deps, rec, { checkpointDir, threadsNote: start.threadsNote }, () => detached)
    const handle = startTrainingWorker(job, data, onMessage, deps.worker)
    cancelWorker = handle.cancel
    if (cancelled) handle.cancel()
    return handle.done
  })()
  return {
    cancel: () => {
      cancelled = true
      cancelWorker?.()
    },
    detach: () => {
      detached = true
    },
    done,
  }
}

/** The run's backend report, its wasm reason saying why the thread count is what it is. */
function withThreadsNote(report: BackendReport, note: string | undefined): BackendReport {
  if (!note || report.name !== 'wasm') return report
  const attempts = report.attempts.map((a) => (a.backend === 'wasm' && a.ok ? { ...a, reason: `${a.reason}: ${note}` } : a))
  return { ...report, attempts }
}

export interface Where {
  checkpointDir: string
  threadsNote?: string
}

export function progressForwarder(deps: ExecDeps, rec: RunRecord, where: Where, isDetached: () => boolean): (m: FromWorker) => void {
  const id = rec.summary.id
  const cfg = rec.summary.config
  const report = throttle(deps.progressIntervalMs)
  let lossSum = 0
  let lossCount = 0
  let eta: number | null = null
  const handle = (m: FromWorker): void => {
    switch (m.type) {
      case 'ready':
        deps.repo.setBackend(id, withThreadsNote(m.backend, where.threadsNote), where.checkpointDir)
        // Epochs after the checkpoint are trained again; a fresh start clears any old records.
        deps.repo.trimEpochs(id, m.resumedFromEpoch)
        deps.onBackend(cfg.backend, m.backend)
        deps.onChanged(id)
        return
      case 'step': {
        lossSum += m.loss
        lossCount += 1
        const stepsLeft = (cfg.epochs - m.epoch - 1) * m.stepsPerEpoch + (m.stepsPerEpoch - m.step - 1)
        // Images left over the measured rate; an epoch's held-out evaluation is not counted.
        eta = m.imgPerSec > 0 ? (stepsLeft * cfg.batchSize) / m.imgPerSec : eta
        const lastOfEpoch = m.step + 1 === m.stepsPerEpoch
        if (!report(lastOfEpoch)) return
        const progress: RunProgress = {
          epoch: m.epoch + 1, epochs: cfg.epochs, step: m.step + 1, stepsPerEpoch: m.stepsPerEpoch,
          loss: m.loss, imgPerSec: m.imgPerSec, etaSeconds: eta === null ? null : Math.round(eta),
        }
        // One point of the live curve per event: the mean loss of the steps since the last one.
        deps.onProgress(id, progress, { step: m.epoch * m.stepsPerEpoch + m.step + 1, loss: lossSum / lossCount })
        lossSum = 0
        lossCount = 0
        return
      }
      case 'epoch':
        eta = m.etaSeconds
        deps.repo.addEpoch(id, { epoch: m.epoch + 1, loss: m.meanLoss, seconds: m.seconds, metrics: m.metrics, health: m.health ?? null })
        deps.onChanged(id)
        return
      case 'checkpoint':
      case 'done':
      case 'error':
      case 'backend':
        return
    }
  }
  return (m) => {
    if (isDetached()) return
    try {
      handle(m)
    } catch (err) {
      // A listener that throws would be an uncaught exception in the main process.
      console.error(`runs: could not record a ${m.type} message of run #${id}:`, err)
    }
  }
}
