// Main-process side of a prediction session in the training worker: sends batches of resized images,
// gets class ids and confidences back, and turns a worker crash into a rejected promise. predictImages
// is the one loop the predictions service and the predictions export share.
import { fromWireError } from '../../../shared/errors'
import type { BackendReport, ToWorker } from '../../../shared/training-protocol'
import type { ImageSummary } from '../../../shared/types/dataset'
import type { BackendName } from '../worker/backend'
import { listen, spawn, type WorkerOptions } from './worker-client'

export interface PredictedBatch {
  /** count × size² class ids (1/2/3), image after image. */
  classes: Uint8Array
  confidence: number[]
}

export interface PredictWorker {
  ready: Promise<{ backend: BackendReport; inputSize: number }>
  /** `count` RGB images of the model's input size, back to back (the buffer is transferred). */
  predict(count: number, images: ArrayBuffer): Promise<PredictedBatch>
  /** No more batches: the worker frees the model and exits. */
  end(): void
  /** Stop now (cancel): pending batches reject. */
  terminate(): Promise<void>
}

export function startPredictWorker(
  checkpointDir: string,
  opts: { backend?: BackendName; wasmThreads?: number } = {},
  workerOpts: WorkerOptions = {},
): PredictWorker {
  const worker = spawn(workerOpts)
  const pending = new Map<number, { resolve: (b: PredictedBatch) => void; reject: (e: Error) => void }>()
  let failure: Error | null = null
  let next = 0
  let readyFns: { resolve: (r: { backend: BackendReport; inputSize: number }) => void; reject: (e: Error) => void }
  const ready = new Promise<{ backend: BackendReport; inputSize: number }>((resolve, reject) => (readyFns = { resolve, reject }))
  ready.catch(() => undefined)
  const fail = (err: Error): void => {
    failure ??= err
    readyFns.reject(failure)
    for (const p of pending.values()) p.reject(failure)
    pending.clear()
  }
  // After 'predictEnd' nothing is pending, so a normal exit rejects nothing.
  listen(worker, {
    who: 'prediction worker',
    before: 'finishing',
    onMessage: (m) => {
      if (m.type === 'predictReady') readyFns.resolve({ backend: m.backend, inputSize: m.inputSize })
      else if (m.type === 'error') fail(fromWireError(m.error))
      else if (m.type === 'predicted') {
        pending.get(m.batch)?.resolve({ classes: new Uint8Array(m.classes), confidence: m.confidence })
        pending.delete(m.batch)
      }
    },
    fail,
  })
  worker.postMessage({ type: 'predict', checkpointDir, ...opts } satisfies ToWorker)
  return {
    ready,
    predict(count, images) {
      if (failure) return Promise.reject(failure)
      const batch = next++
      const answer = new Promise<PredictedBatch>((resolve, reject) => pending.set(batch, { resolve, reject }))
      worker.postMessage({ type: 'predictBatch', batch, count, images } satisfies ToWorker, [images])
      return answer
    },
    end() {
      worker.postMessage({ type: 'predictEnd' } satisfies ToWorker)
    },
    async terminate() {
      await worker.terminate()
    },
  }
}

/** One image's prediction: class ids (1/2/3) at the model's size×size (savePrediction scales them), and the model's confidence. */
export interface ImagePrediction {
  image: ImageSummary
  classes: Uint8Array
  size: number
  confidence: number
}

export interface PredictImagesOptions {
  checkpointDir: string
  images: ImageSummary[]
  /** The image's RGB pixels resized to size×size (the dataset's cache). */
  resized: (imageId: number, size: number) => Promise<Uint8Array>
  batchSize: number
  backend?: BackendName
  wasmThreads?: number
  worker?: WorkerOptions
  /** Aborting terminates the worker; predictImages then resolves false. */
  signal?: AbortSignal
  /** The model is loaded: predictions follow. */
  onReady?: (inputSize: number) => void
  /** Each batch's predictions, in order; the worker predicts the next batch meanwhile. */
  onBatch: (predictions: ImagePrediction[], inputSize: number) => Promise<void>
}

/**
 * Predicts `images` in a prediction worker, so no tfjs runs on this thread; resolves true when every
 * image was handed to onBatch, false when `signal` cancelled it. A worker crash or an onBatch error rejects.
 */
export async function predictImages(o: PredictImagesOptions): Promise<boolean> {
  if (o.signal?.aborted) return false
  const worker = startPredictWorker(o.checkpointDir, { backend: o.backend, wasmThreads: o.wasmThreads }, o.worker)
  const abort = (): void => void worker.terminate()
  o.signal?.addEventListener('abort', abort, { once: true })
  try {
    const { inputSize: size } = await worker.ready
    o.onReady?.(size)
    const step = Math.max(1, o.batchSize)
    const send = (at: number): Promise<PredictedBatch> => {
      const rows = o.images.slice(at, at + step)
      const sent = resizedBatch(rows, size, o.resized).then((buf) => worker.predict(rows.length, buf))
      // Awaited on the next turn of the loop; until then a rejection is not "unhandled".
      sent.catch(() => undefined)
      return sent
    }
    let ahead = o.images.length > 0 ? send(0) : null
    for (let at = 0; ahead; at += step) {
      const out = await ahead
      ahead = at + step < o.images.length ? send(at + step) : null
      await o.onBatch(perImage(o.images.slice(at, at + step), size, out), size)
    }
    worker.end()
    return !o.signal?.aborted
  } catch (err) {
    await worker.terminate()
    if (o.signal?.aborted) return false
    throw err
  } finally {
    o.signal?.removeEventListener('abort', abort)
  }
}

async function resizedBatch(rows: ImageSummary[], size: number, resized: PredictImagesOptions['resized']): Promise<ArrayBuffer> {
  const px = size * size * 3
  const buf = new Uint8Array(rows.length * px)
  const pix = await Promise.all(rows.map((r) => resized(r.id, size)))
  pix.forEach((x, b) => buf.set(x, b * px))
  return buf.buffer
}

/** The batch's class ids and confidences, image by image. */
function perImage(rows: ImageSummary[], size: number, out: PredictedBatch): ImagePrediction[] {
  const px = size * size
  return rows.map((image, b) => ({ image, classes: out.classes.subarray(b * px, (b + 1) * px), size, confidence: out.confidence[b]! }))
}
