// Main-process side of a run bundle's model conversion: each conversion runs in a fresh training worker
// (worker/bundle/convert-job.ts), so exporting or importing a run starts no tfjs backend in the app.
import type { FromWorker, ToWorker } from '../../../shared/training-protocol'
import { fromWireError } from '../../../shared/errors'
import type { BackendName } from '../worker/backend'
import { listen, spawn, type WorkerOptions } from './worker-client'

export interface ConvertOptions {
  backend?: BackendName
  wasmThreads?: number
  worker?: WorkerOptions
}

type Answer<T extends FromWorker['type']> = Extract<FromWorker, { type: T }>

/** Posts one message to a fresh worker and resolves with its answer of type `answer`; the worker then exits. */
function ask<T extends FromWorker['type']>(msg: ToWorker, answer: T, transfer: ArrayBuffer[], o: ConvertOptions): Promise<Answer<T>> {
  const worker = spawn(o.worker ?? {})
  return new Promise<Answer<T>>((resolve, reject) => {
    listen(worker, {
      who: 'model conversion worker',
      before: 'answering',
      onMessage: (m) => {
        if (m.type === answer) resolve(m as Answer<T>)
        else if (m.type === 'error') reject(fromWireError(m.error))
      },
      fail: reject,
    })
    worker.postMessage(msg, transfer)
  })
}

/** The checkpoint topology with every custom layer replaced by its standard Keras equivalent. */
export async function exportTopology(topology: unknown, o: ConvertOptions = {}): Promise<unknown> {
  const res = await ask({ type: 'exportModel', topology, backend: o.backend, wasmThreads: o.wasmThreads }, 'modelExported', [], o)
  return res.topology
}

export interface ImportModelArgs {
  topology: unknown
  weightSpecs: unknown[]
  /** Transferred: unusable here afterwards. */
  weights: ArrayBuffer
  config: unknown
  outDir: string
  /** The file errors name (the bundle's model.json). */
  source: string
}

/** Refits an exported model to the U-Net its config describes and saves it as a checkpoint in outDir. */
export async function importModel(args: ImportModelArgs, o: ConvertOptions = {}): Promise<void> {
  await ask({ type: 'importModel', ...args, backend: o.backend, wasmThreads: o.wasmThreads }, 'modelImported', [args.weights], o)
}
