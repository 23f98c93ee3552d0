// The predictions export (runs:exportPredictions): a finished finetune's predicted trimaps for a split as
// <dest>/annotations/trimaps/<name>.png, the release's layout. One more destination of the prediction
// jobs PredictionsService runs; the folder appears whole or not at all.
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { PredictionSplit, PredictionsExportProgress } from '../../shared/api'
import { AppError } from '../../shared/errors'
import type { RunDetail } from '../../shared/types/runs'
import type { ImagePrediction } from '../training/host/predict-client'
import { savePrediction } from '../training/host/predicted-trimap'
import { checkSegmentationCheckpoint } from '../training/worker/models/segmenter-check'
import { refuseNonEmpty, writeFolder } from './export/dest-folder'
import { finishedCheckpoint } from './export/run-bundle'
import { type PredictionDeps, predictInto, progressReporter } from './prediction-jobs'

export interface ExportJob {
  run: RunDetail
  split: PredictionSplit
  destDir: string
  signal: AbortSignal
  emit: (p: PredictionsExportProgress) => void
}

/** Predicts the split's readable images and writes them into a new folder; rejects when cancelled. */
export async function exportPredictions(deps: PredictionDeps, job: ExportJob): Promise<{ dir: string; count: number }> {
  const { run, split } = job
  const ckpt = finishedCheckpoint(run)
  // Refused here, from model.json alone, before a worker starts.
  checkSegmentationCheckpoint(ckpt)
  const images = deps.datasets
    .listImages({ datasetId: run.config.datasetId, ...(split === 'all' ? {} : { split }) })
    .filter((i) => !i.broken)
  if (images.length === 0) throw new AppError('BAD_INPUT', `the run's dataset has no readable ${split === 'all' ? '' : `${split} `}images to predict`)
  const dest = resolve(job.destDir)
  refuseNonEmpty(dest)
  const p: PredictionsExportProgress = { runId: run.id, split, dest, phase: 'loading', done: 0, total: images.length, error: null }
  const report = progressReporter(p, job.emit, deps.progressIntervalMs)
  try {
    await writeFolder(dest, async (tmp) => {
      const out = join(tmp, 'annotations', 'trimaps')
      await mkdir(out, { recursive: true })
      const save = async (x: ImagePrediction): Promise<void> => {
        await savePrediction(join(out, `${x.image.name}.png`), x.classes, x.size, x.image)
      }
      const finished = await predictInto(deps, { checkpointDir: ckpt, images, signal: job.signal, report }, save)
      if (!finished) throw new AppError('INTERNAL', `the predictions export to ${dest} was cancelled: the app is closing`)
    })
    report({ phase: 'done' })
    return { dir: dest, count: images.length }
  } catch (err) {
    report(job.signal.aborted ? { phase: 'cancelled' } : { phase: 'failed', error: (err as Error).message })
    throw err
  }
}
