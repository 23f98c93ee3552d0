// Main-process side of the training worker: starts it, forwards its typed events, cancels it, and turns
// a crash (exception, out of memory, exit) into a failed run instead of a failed app.
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { AppError, fromWireError } from '../../shared/errors'
import type { BackendReport, FromWorker, ToWorker, TrainingData, TrainingJobInput } from '../../shared/training-protocol'

export type DoneMessage = Extract<FromWorker, { type: 'done' }>

export interface TrainingHandle {
  cancel(): void
  /** Resolves with the worker's 'done'; rejects with its error or crash reason. */
  done: Promise<DoneMessage>
}

export interface WorkerOptions {
  /** The worker script; defaults to the sibling worker.js (or worker.ts through tsx in development). */
  workerUrl?: URL
  execArgv?: string[]
  resourceLimits?: { maxOldGenerationSizeMb?: number }
}

/** The built worker.js next to this file; from sources (tsx, vitest) worker.ts loaded through tsx's API. */
export function spawn(opts: WorkerOptions): Worker {
  const options = { execArgv: opts.execArgv, resourceLimits: opts.resourceLimits }
  if (opts.workerUrl) return new Worker(opts.workerUrl, options)
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), options)
  // Workers ignore the parent's loader hooks, so the thread registers tsx before importing worker.ts.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href
  const entry = new URL('./worker.ts', import.meta.url).href
  const boot = `import(${JSON.stringify(tsxApi)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(boot, { ...options, eval: true })
}

export function startTrainingWorker(
  job: TrainingJobInput,
  data: TrainingData,
  onMessage: (m: FromWorker) => void,
  opts: WorkerOptions = {},
): TrainingHandle {
  const worker = spawn(opts)
  let settled = false
  const done = new Promise<DoneMessage>((resolve, reject) => {
    const settle = (fn: () => void): void => {
      if (!settled) {
        settled = true
        fn()
      }
    }
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'done') settle(() => resolve(m))
      else if (m.type === 'error') settle(() => reject(fromWireError(m.error)))
      onMessage(m)
    })
    worker.on('error', (err) => settle(() => reject(new AppError('INTERNAL', `training worker crashed: ${err.message}`))))
    worker.on('exit', (code) => settle(() => reject(new AppError('INTERNAL', `training worker exited with code ${code} before finishing`))))
  })
  const transfer = [data.images, ...(data.trimaps ? [data.trimaps] : [])]
  worker.postMessage({ type: 'start', job, data } satisfies ToWorker, transfer)
  return {
    cancel: () => worker.postMessage({ type: 'cancel' } satisfies ToWorker),
    done,
  }
}

/** The backend a job would get now, loaded in a throwaway worker so this process stays light. */
export function probeBackend(
  probe: Omit<Extract<ToWorker, { type: 'probe' }>, 'type'>,
  opts: WorkerOptions = {},
): Promise<BackendReport> {
  const worker = spawn(opts)
  return new Promise<BackendReport>((resolve, reject) => {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'backend') resolve(probeReport(m.backend))
      else if (m.type === 'error') reject(fromWireError(m.error))
    })
    worker.on('error', (err) => reject(new AppError('INTERNAL', `backend probe crashed: ${err.message}`)))
    worker.on('exit', (code) => reject(new AppError('INTERNAL', `backend probe exited with code ${code} before answering`)))
    worker.postMessage({ type: 'probe', ...probe } satisfies ToWorker)
  })
}

/**
 * The report a plan shows: the backend, why faster ones were passed over, and on webgpu the adapter
 * (named, and its buffer limit for the batch check). Built field by field so that nothing else the
 * worker's backend choice carries is passed on.
 */
export function probeReport(b: BackendReport): BackendReport {
  const report: BackendReport = { name: b.name, threads: b.threads, attempts: b.attempts.map(({ backend, ok, reason }) => ({ backend, ok, reason })) }
  const a = b.adapter
  if (a) {
    report.adapter = { vendor: a.vendor, architecture: a.architecture, device: a.device, description: a.description, software: a.software }
    if (typeof a.maxBufferBytes === 'number' && a.maxBufferBytes > 0) report.adapter.maxBufferBytes = a.maxBufferBytes
  }
  return report
}
