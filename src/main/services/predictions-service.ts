// Model in the loop: predicts trimaps with a finished finetune in the training worker,
// keeps them under <dataDir>/predictions/<run id>/ (never in the dataset), scores them, serves the
// "label next" and "re-check" queues, and accepts a prediction as an image's label. A predictions export
// (runs:exportPredictions) is the same kind of job with a folder as its destination.
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Events, PredictionSplit } from '../../shared/api'
import { AppError } from '../../shared/errors'
import type { Trimap } from '../../shared/trimap'
import type { ImageDetail, ImageSummary } from '../../shared/types/dataset'
import type { PredictionProgress, PredictionScope, QueueItem } from '../../shared/types/predictions'
import { decodeTrimap } from '../dataset/image-cache'
import type { Db } from '../db/open'
import { type PredictionRow, PredictionsRepo } from '../db/repositories/predictions-repo'
import type { ImagePrediction } from '../training/host/predict-client'
import { savePrediction } from '../training/host/predicted-trimap'
import { checkSegmentationCheckpoint } from '../training/worker/models/segmenter-check'
import type { LabelsService } from './labels-service'
import { type JobProgress, type PredictionDeps, predictInto, progressReporter, type Reporter } from './prediction-jobs'
import { disagreement } from './prediction-scores'
import { exportPredictions } from './predictions-export'
import type { RunsService } from './runs-service'

export interface PredictionsServiceOptions extends PredictionDeps {
  db: Db
  runs: RunsService
  labels: LabelsService
  /** Predicted PNGs go to <predictionsDir>/<run id>/<image name>.png. */
  predictionsDir: string
  emit: <E extends 'predictions:progress' | 'runs:exportProgress'>(name: E, payload: Events[E]) => void
}

interface Job {
  progress: PredictionProgress
  abort: AbortController
  finished: Promise<PredictionProgress>
}

const DEFAULT_LIMIT = 50

export class PredictionsService {
  readonly repo: PredictionsRepo
  private readonly jobs = new Map<number, Job>()
  private current: Job | null = null
  private nextJobId = 1
  /** Running predictions exports, aborted by close(). */
  private readonly exports = new Set<AbortController>()

  constructor(private readonly o: PredictionsServiceOptions) {
    this.repo = new PredictionsRepo(o.db)
  }

  /** Starts predicting `scope` of the dataset with run `runId`; one job at a time. */
  start(runId: number, datasetId: number, scope: PredictionScope): { jobId: number; count: number } {
    const ckpt = this.checkpointOf(runId)
    const run = this.o.runs.get(runId)
    if (run.config.datasetId !== datasetId) {
      throw new AppError('BAD_INPUT', `run #${runId} was trained on dataset #${run.config.datasetId}, not #${datasetId}: choose a run of this dataset`)
    }
    if (this.current) throw new AppError('BAD_INPUT', `prediction job #${this.current.progress.jobId} is still running: wait for it or cancel it`)
    const images = this.imagesIn(datasetId, scope)
    if (images.length === 0) throw new AppError('BAD_INPUT', `the dataset has no readable ${scope === 'all' ? '' : `${scope} `}images to predict`)
    const jobId = this.nextJobId++
    const progress: PredictionProgress = { jobId, runId, datasetId, scope, phase: 'loading', done: 0, total: images.length, error: null }
    const job: Job = { progress, abort: new AbortController(), finished: Promise.resolve(progress) }
    this.jobs.set(jobId, job)
    this.current = job
    const report = progressReporter(progress, (p) => this.o.emit('predictions:progress', p), this.o.progressIntervalMs)
    job.finished = this.execute(job, ckpt, images, report)
    return { jobId, count: images.length }
  }

  /** Resolves with the job's last progress once it has ended (done, failed or cancelled). */
  waitFor(jobId: number): Promise<PredictionProgress> {
    const job = this.jobs.get(jobId)
    if (!job) throw new AppError('NOT_FOUND', `no prediction job #${jobId}`)
    return job.finished
  }

  async cancel(jobId: number): Promise<void> {
    const job = this.jobs.get(jobId)
    if (!job) throw new AppError('NOT_FOUND', `no prediction job #${jobId}`)
    if (job !== this.current) return
    job.abort.abort()
    await job.finished
  }

  /** The run's prediction for an image at the image's size, or null when there is none. */
  async get(runId: number, imageId: number): Promise<Trimap | null> {
    const row = this.repo.get(runId, imageId)
    if (!row || !existsSync(row.file)) return null
    try {
      return await decodeTrimap(row.file)
    } catch (err) {
      throw new AppError('IO_ERROR', `cannot read the prediction ${row.file}: ${(err as Error).message}`)
    }
  }

  /** Saves the prediction as the image's trimap, with source 'predicted'. */
  async accept(runId: number, imageId: number): Promise<ImageDetail> {
    const trimap = await this.get(runId, imageId)
    if (!trimap) throw new AppError('NOT_FOUND', `run #${runId} has no prediction for image ${imageId}: predict it first`)
    return this.o.labels.save(imageId, trimap, 'predicted')
  }

  /** Unlabelled images with a prediction of the run, least confident first. */
  labelNext(datasetId: number, runId: number, limit = DEFAULT_LIMIT): QueueItem[] {
    const preds = this.predictionsOf(datasetId, runId)
    return this.o.datasets
      .listImages({ datasetId, label: 'unlabelled' })
      .flatMap((image) => {
        // An accepted prediction was seen by a person already: it is re-checked (below), not asked for again.
        const p = image.label === null ? preds.get(image.id) : undefined
        return p ? [{ image, score: p.confidence, confidence: p.confidence }] : []
      })
      .sort((a, b) => a.score - b.score || a.image.id - b.image.id)
      .slice(0, limit)
  }

  /**
   * Images with a trimap (a person's, or an accepted prediction) whose prediction disagrees most with
   * it first; edited labels are re-measured.
   */
  async recheck(datasetId: number, runId: number, limit = DEFAULT_LIMIT): Promise<QueueItem[]> {
    const preds = this.predictionsOf(datasetId, runId)
    const items: QueueItem[] = []
    for (const image of this.o.datasets.listImages({ datasetId })) {
      const p = preds.get(image.id)
      if (!p || image.broken || image.label === null) continue
      const score = await this.currentDisagreement(p, image)
      if (score !== null) items.push({ image, score, confidence: p.confidence })
    }
    return items.sort((a, b) => b.score - a.score || a.image.id - b.image.id).slice(0, limit)
  }

  /** Predicted trimaps of a finished finetune for a split, as destDir/annotations/trimaps/<name>.png. */
  async exportSplit(runId: number, split: PredictionSplit, destDir: string): Promise<{ dir: string; count: number }> {
    const abort = new AbortController()
    this.exports.add(abort)
    try {
      const emit = (p: Events['runs:exportProgress']): void => this.o.emit('runs:exportProgress', p)
      return await exportPredictions(this.o, { run: this.o.runs.get(runId), split, destDir, signal: abort.signal, emit })
    } finally {
      this.exports.delete(abort)
    }
  }

  /** Stops a running job and running exports (on app close); an export leaves nothing in its destination. */
  async close(): Promise<void> {
    for (const abort of this.exports) abort.abort()
    if (this.current) await this.cancel(this.current.progress.jobId)
  }

  private checkpointOf(runId: number): string {
    const run = this.o.runs.get(runId)
    if (run.kind !== 'finetune') throw new AppError('BAD_INPUT', `run #${runId} is a pretraining run: predictions need a finished finetune run`)
    if (run.status !== 'done') throw new AppError('BAD_INPUT', `run #${runId} is ${run.status}: predictions need a finished (done) finetune run`)
    const dir = run.checkpointDir
    if (!dir || !existsSync(join(dir, 'model.json'))) throw new AppError('NOT_FOUND', `run #${runId} has no checkpoint (no model.json in ${dir ?? 'its run folder'})`)
    checkSegmentationCheckpoint(dir)
    return dir
  }

  private imagesIn(datasetId: number, scope: PredictionScope): ImageSummary[] {
    const q = scope === 'all' ? { datasetId } : { datasetId, label: scope }
    return this.o.datasets.listImages(q).filter((i) => !i.broken && i.width !== null && i.height !== null)
  }

  private predictionsOf(datasetId: number, runId: number): Map<number, PredictionRow> {
    this.o.runs.get(runId)
    return new Map(this.repo.forDataset(runId, datasetId).map((p) => [p.image_id, p]))
  }

  private async execute(job: Job, ckpt: string, images: ImageSummary[], report: Reporter): Promise<PredictionProgress> {
    const p = job.progress
    const outDir = join(this.o.predictionsDir, String(p.runId))
    let end: Partial<JobProgress>
    try {
      await mkdir(outDir, { recursive: true })
      const finished = await predictInto(this.o, { checkpointDir: ckpt, images, signal: job.abort.signal, report }, (x) => this.store(x, outDir, p.runId))
      end = { phase: finished ? 'done' : 'cancelled' }
    } catch (err) {
      end = { phase: 'failed', error: (err as Error).message }
    } finally {
      // Before the last event: a listener may start the next job as soon as it hears this one ended.
      this.current = null
    }
    report(end)
    return { ...p }
  }

  /** Saves one prediction under outDir and records it with its scores. */
  private async store({ image, classes, size, confidence }: ImagePrediction, outDir: string, runId: number): Promise<void> {
    const file = join(outDir, `${image.name}.png`)
    const trimap = await savePrediction(file, classes, size, image)
    const label = this.o.datasets.label(image.id)
    const score = label ? await this.measure(trimap, image.id) : null
    this.repo.upsert({ runId, imageId: image.id, file, inputSize: size, confidence, disagreement: score, labelUpdatedAt: label?.updated_at ?? null })
  }

  /** Disagreement with the image's stored trimap, or null when it cannot be read or has another size. */
  private async measure(pred: Trimap, imageId: number): Promise<number | null> {
    const truth = await this.o.datasets.getTrimap(imageId).catch(() => null)
    if (!truth || truth.width !== pred.width || truth.height !== pred.height) return null
    return disagreement(pred.data, truth.data)
  }

  /** The stored disagreement, re-measured when the label changed since the prediction was scored. */
  private async currentDisagreement(p: PredictionRow, image: ImageSummary): Promise<number | null> {
    const label = this.o.datasets.label(image.id)
    if (!label) return null
    if (label.updated_at === p.label_updated_at && p.disagreement !== null) return p.disagreement
    const pred = await this.get(p.run_id, p.image_id)
    const score = pred ? await this.measure(pred, image.id) : null
    this.repo.setDisagreement(p.run_id, p.image_id, score, label.updated_at)
    return score
  }
}
