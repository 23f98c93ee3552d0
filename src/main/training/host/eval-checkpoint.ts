// `cli eval`: runs a finetuned checkpoint over a dataset's evaluation images, writes each predicted
// trimap as an annotations-style PNG (values 1/2/3, the image's own size, <name>.png) and scores it;
// also the check, from model.json alone, that a checkpoint is a 3-class segmenter.
import type * as tf from '@tensorflow/tfjs'
import { existsSync, readFileSync } from 'node:fs'
import fs from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../shared/errors'
import type { BackendReport, EpochMetrics } from '../../shared/training-protocol'
import { type ImageSummary, isHumanLabel } from '../../shared/types/dataset'
import type { DatasetService } from '../services/dataset-service'
import { type BackendName, selectBackend } from './backend'
import { toBatches } from './data/sampling'
import { toEpochMetrics } from './job'
import { addToConfusion, emptyConfusion, mergeConfusion } from './metrics/confusion'
import { PaperMetricAccumulator, pooledMetrics } from './metrics/segmentation'
import { loadModel } from './models/weights-io'
import { predictClasses } from './predict'
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

interface LayerJson {
  class_name: string
  config: { name?: string; filters?: number; activation?: string; batch_input_shape?: (number | null)[] }
}

/** The model's input side, after checking (from model.json alone) that it is a 3-class segmentation U-Net. */
export function checkSegmentationCheckpoint(dir: string): number {
  const file = join(dir, 'model.json')
  if (!existsSync(file)) throw new AppError('NOT_FOUND', `${dir} is not a checkpoint folder: it has no model.json`)
  let layers: LayerJson[]
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { modelTopology?: { config?: { layers?: LayerJson[] } } }
    layers = json.modelTopology?.config?.layers ?? []
  } catch (err) {
    throw new AppError('PARSE_ERROR', `${file} is not valid JSON: ${(err as Error).message}`)
  }
  const head = layers.find((l) => l.config.name === 'head')
  const input = layers.find((l) => l.class_name === 'InputLayer')?.config.batch_input_shape
  if (!head || !input) throw new AppError('BAD_INPUT', `the model in ${dir} has no segmentation head: it looks like a SimCLR pretraining checkpoint, not a finetuned U-Net`)
  if (head.config.filters !== 3 || head.config.activation !== 'softmax') {
    throw new AppError('BAD_INPUT', `the model in ${dir} ends in ${head.config.filters} ${head.config.activation} channels, not a 3-class softmax: it is a masked-autoencoder pretraining checkpoint, finetune it first`)
  }
  const size = input[1]
  if (typeof size !== 'number' || input[2] !== size || input[3] !== 3) throw new AppError('BAD_INPUT', `the model in ${dir} takes [${input.join(', ')}] inputs, not square RGB images`)
  return size
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
