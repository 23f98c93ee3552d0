// `cli eval`: runs a finetuned checkpoint over a dataset's evaluation images, writes each predicted
// trimap as an annotations-style PNG (values 1/2/3, the image's own size, <name>.png) and scores it;
// runs in the CLI's own process (it reads images through the dataset service).
import type * as tf from '@tensorflow/tfjs'
import fs from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../../shared/errors'
import type { BackendReport, EpochMetrics } from '../../../shared/training-protocol'
import { type ImageSummary, isHumanLabel } from '../../../shared/types/dataset'
import type { DatasetService } from '../../services/dataset-service'
import { type BackendName, selectBackend } from '../worker/backend'
import { toBatches } from '../worker/data/sampling'
import { toEpochMetrics } from '../worker/job'
import { addToConfusion, emptyConfusion, mergeConfusion } from '../worker/metrics/confusion'
import { PaperMetricAccumulator, pooledMetrics } from '../worker/metrics/segmentation'
import { checkSegmentationCheckpoint } from '../worker/models/segmenter-check'
import { loadModel } from '../worker/models/weights-io'
import { predictClasses } from '../worker/predict'
import { savePrediction } from './predicted-trimap'

export interface EvalOptions {
  datasets: DatasetService
  datasetId: number
  checkpointDir: string
  outDir: string
  batchSize: number
  backend?: BackendName
  wasmThreads?: number
  onProgress?: (done: number, total: number) => void
}

export interface EvalResult {
  backend: BackendReport
  split: 'test' | 'labelled'
  images: number
  inputSize: number
  metrics: EpochMetrics
}

/** Labelled, decodable test-split images; all labelled ones when the dataset has no labelled test image. */
export function evaluationImages(datasets: DatasetService, datasetId: number): { split: EvalResult['split']; images: ImageSummary[] } {
  const labelled = datasets.listImages({ datasetId }).filter((i) => !i.broken && isHumanLabel(i.label))
  if (labelled.length === 0) throw new AppError('BAD_INPUT', 'the dataset has no trimaps to evaluate against')
  const test = labelled.filter((i) => i.split === 'test')
  return test.length > 0 ? { split: 'test', images: test } : { split: 'labelled', images: labelled }
}

export async function evaluateCheckpoint(o: EvalOptions): Promise<EvalResult> {
  const size = checkSegmentationCheckpoint(o.checkpointDir)
  const { split, images } = evaluationImages(o.datasets, o.datasetId)
  const backend = await selectBackend({ force: o.backend, wasmThreads: o.wasmThreads ?? 1 })
  const model = await loadModel(o.checkpointDir)
  await fs.mkdir(o.outDir, { recursive: true })
  const paper = new PaperMetricAccumulator()
  const total = emptyConfusion()
  let done = 0
  try {
    for (const part of toBatches(images.map((_, k) => k), o.batchSize)) {
      const rows = part.map((k) => images[k]!)
      const tri = await Promise.all(rows.map(async (r) => (await o.datasets.getResizedTrimap(r.id, size))!))
      const pred = await predictTrimapPngs(model, o.datasets, rows, size, o.outDir)
      const c = emptyConfusion()
      addToConfusion(c, pred, concatBytes(tri))
      paper.addBatch(c)
      mergeConfusion(total, c)
      done += rows.length
      o.onProgress?.(done, images.length)
    }
  } finally {
    model.dispose()
  }
  const metrics = toEpochMetrics({ paper: paper.result(), pooled: pooledMetrics(total), images: images.length, batchSize: o.batchSize })!
  return { backend, split, images: images.length, inputSize: size, metrics }
}

/**
 * Predicts one batch of images (resized to the model's size) and saves each as <name>.png in outDir;
 * returns the class ids at size×size, image after image. On this thread: fine for the CLI, which has no
 * UI to freeze; the app predicts in a worker (predict-client.ts's predictImages). Both predict with
 * predictClasses and save with savePrediction, so they write the same files.
 */
export async function predictTrimapPngs(model: tf.LayersModel, datasets: DatasetService, rows: ImageSummary[], size: number, outDir: string): Promise<Uint8Array> {
  const pix = await Promise.all(rows.map((r) => datasets.getResized(r.id, size)))
  const { classes } = await predictClasses(model, pix)
  const px = size * size
  await Promise.all(rows.map((r, b) => savePrediction(join(outDir, `${r.name}.png`), classes.subarray(b * px, (b + 1) * px), size, r)))
  return classes
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  parts.reduce((off, p) => (out.set(p, off), off + p.length), 0)
  return out
}
