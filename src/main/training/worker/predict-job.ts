// Worker side of a prediction session (model in the loop): loads a finetuned checkpoint once, then
// answers each batch of resized images with class ids and a confidence per image.
import type * as tf from '@tensorflow/tfjs'
import { AppError } from '../../../shared/errors'
import type { FromWorker } from '../../../shared/training-protocol'
import { selectBackend, type BackendName } from './backend'
import { checkSegmentationCheckpoint } from './models/segmenter-check'
import { loadModel } from './models/weights-io'
import { predictClasses } from './predict'

export interface PredictSession {
  inputSize: number
  predict(batch: number, count: number, images: ArrayBuffer): Promise<Extract<FromWorker, { type: 'predicted' }>>
  dispose(): void
}

/** Starts the backend and loads the checkpoint; refuses a checkpoint that is not a 3-class segmenter. */
export async function openPredictSession(
  checkpointDir: string,
  opts: { backend?: BackendName; wasmThreads?: number },
  post: (m: FromWorker) => void,
): Promise<PredictSession> {
  const size = checkSegmentationCheckpoint(checkpointDir)
  const backend = await selectBackend({ force: opts.backend, wasmThreads: opts.wasmThreads ?? 1 })
  const model = await loadModel(checkpointDir)
  post({ type: 'predictReady', backend, inputSize: size })
  return {
    inputSize: size,
    predict: (batch, count, images) => predictBatch(model, size, batch, count, images),
    dispose: () => model.dispose(),
  }
}

async function predictBatch(model: tf.LayersModel, size: number, batch: number, count: number, images: ArrayBuffer): Promise<Extract<FromWorker, { type: 'predicted' }>> {
  const px = size * size
  if (images.byteLength !== count * px * 3) {
    throw new AppError('BAD_INPUT', `batch ${batch} holds ${images.byteLength} bytes, expected ${count}×${size}×${size}×3`)
  }
  const all = new Uint8Array(images)
  const pix = Array.from({ length: count }, (_, i) => all.subarray(i * px * 3, (i + 1) * px * 3))
  const { classes, confidence } = await predictClasses(model, pix)
  return { type: 'predicted', batch, classes: classes.buffer as ArrayBuffer, confidence }
}
