// Main-process side of a prediction session in the training worker: sends batches of resized images,
// gets class ids and confidences back, and turns a worker crash into a rejected promise.
import { AppError, fromWireError } from '../../shared/errors'
import type { BackendReport, FromWorker, ToWorker } from '../../shared/training-protocol'
import type { BackendName } from './backend'
import { spawn, type WorkerOptions } from './worker-client'

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
  worker.on('message', (m: FromWorker) => {
    if (m.type === 'predictReady') readyFns.resolve({ backend: m.backend, inputSize: m.inputSize })
    else if (m.type === 'error') fail(fromWireError(m.error))
    else if (m.type === 'predicted') {
      pending.get(m.batch)?.resolve({ classes: new Uint8Array(m.classes), confidence: m.confidence })
      pending.delete(m.batch)
    }
  })
  worker.on('error', (err) => fail(new AppError('INTERNAL', `prediction worker crashed: ${err.message}`)))
  // After 'predictEnd' nothing is pending, so a normal exit rejects nothing.
  worker.on('exit', (code) => fail(new AppError('INTERNAL', `prediction worker exited with code ${code} before finishing`)))
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
