// Entry of the training worker thread: one job per worker (a training run, a backend probe, a
// prediction session or a model conversion). The thread exits when the job ends, which hands the wasm
// heap (which never shrinks) back to the system.
import { parentPort } from 'node:worker_threads'
import { toWireError } from '../../../shared/errors'
import type { FromWorker } from '../../../shared/training-protocol'
import { toWorkerSchema } from '../../../shared/training-schemas'
import { selectBackend } from './backend'
import { exportModelJob, importModelJob } from './bundle/convert-job'
import { runJob } from './job'
import { openPredictSession, type PredictSession } from './predict-job'

const port = parentPort
if (!port) throw new Error('worker.ts must run in a worker thread')
const post = (m: FromWorker): void => port.postMessage(m)
const abort = new AbortController()
let started = false

// A short delay lets the last messages leave before the thread (and its wasm threads) are torn down.
const finish = (code: number): void => void setTimeout(() => process.exit(code), 20)

// A prediction session: batches are answered in arrival order; any failure ends the worker.
let predicting: Promise<PredictSession> | null = null
let predictionFailed = false
const failPrediction = (err: unknown): void => {
  if (predictionFailed) return
  predictionFailed = true
  post({ type: 'error', error: toWireError(err) })
  finish(1)
}

/** True (and says so) when this worker already took its one job. */
function refuseSecondJob(): boolean {
  if (started) post({ type: 'error', error: { code: 'BAD_INPUT', message: 'this worker already runs a job' } })
  const refused = started
  started = true
  return refused
}

/** A job that ends the worker: exit 0 when it resolves, its error posted and exit 1 when it throws. */
function oneShot(job: () => Promise<void>): void {
  if (refuseSecondJob()) return
  job().then(
    () => finish(0),
    (err: unknown) => {
      post({ type: 'error', error: toWireError(err) })
      finish(1)
    },
  )
}

port.on('message', (raw: unknown) => {
  const parsed = toWorkerSchema.safeParse(raw)
  if (!parsed.success) {
    post({ type: 'error', error: { code: 'BAD_INPUT', message: `bad worker message: ${parsed.error.message}` } })
    return
  }
  const msg = parsed.data
  switch (msg.type) {
    case 'start':
      return oneShot(() => runJob(msg.job, msg.data, post, abort.signal))
    case 'cancel':
      abort.abort()
      return
    case 'probe':
      return oneShot(async () => post({ type: 'backend', backend: await selectBackend({ force: msg.backend, wasmThreads: msg.wasmThreads }) }))
    case 'exportModel':
      return oneShot(() => exportModelJob(msg, post))
    case 'importModel':
      return oneShot(() => importModelJob(msg, post))
    case 'predict':
      if (refuseSecondJob()) return
      predicting = openPredictSession(msg.checkpointDir, { backend: msg.backend, wasmThreads: msg.wasmThreads }, post)
      predicting.catch(failPrediction)
      return
    case 'predictBatch': {
      if (!predicting) return post({ type: 'error', error: { code: 'BAD_INPUT', message: "'predictBatch' before 'predict'" } })
      const { batch, count, images } = msg
      predicting = predicting.then(async (s) => (post(await s.predict(batch, count, images)), s))
      predicting.catch(failPrediction)
      return
    }
    case 'predictEnd':
      if (!predicting) return finish(0)
      predicting.then((s) => (s.dispose(), finish(0)), () => undefined)
      return
  }
})
