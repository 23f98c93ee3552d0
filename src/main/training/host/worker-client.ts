// Main-process side of the training worker: starts it, validates and forwards its typed events, cancels
// it, and turns a crash (exception, out of memory, exit) or a malformed message into a failed run
// instead of a failed app. listen() is the one way the prediction and conversion clients hear theirs.
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { AppError, fromWireError } from '../../../shared/errors'
import type { BackendReport, FromWorker, ToWorker, TrainingData, TrainingJobInput } from '../../../shared/training-protocol'
import { fromWorkerProblem } from '../../../shared/training-schemas'

export type DoneMessage = Extract<FromWorker, { type: 'done' }>

export interface TrainingHandle {
  cancel(): void
  /** Resolves with the worker's 'done'; rejects with its error or crash reason. */
  done: Promise<DoneMessage>
}

export interface WorkerOptions {
  /** The worker script; defaults to the built worker.js beside the app's bundle (or ../worker/worker.ts through tsx in development). */
  workerUrl?: URL
  execArgv?: string[]
  resourceLimits?: { maxOldGenerationSizeMb?: number }
}

/**
 * Built: worker.js beside the bundle this file is compiled into (out/main, electron.vite.config.ts's
 * "worker" entry). From sources (tsx, vitest): ../worker/worker.ts loaded through tsx's API.
 */
export function spawn(opts: WorkerOptions): Worker {
  const options = { execArgv: opts.execArgv, resourceLimits: opts.resourceLimits }
  if (opts.workerUrl) return new Worker(opts.workerUrl, options)
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./worker.js', import.meta.url), options)
  // Workers ignore the parent's loader hooks, so the thread registers tsx before importing worker.ts.
  const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href
  const entry = new URL('../worker/worker.ts', import.meta.url).href
  const boot = `import(${JSON.stringify(tsxApi)}).then((t) => { t.register(); return import(${JSON.stringify(entry)}) })`
  return new Worker(boot, { ...options, eval: true })
}

/** How a client hears its worker: the name errors give it, what an early exit cut short, where things go. */
export interface WorkerListener {
  /** "training worker", "backend probe"…: errors start with it. */
  who: string
  /** What an exit interrupts: "finishing" or "answering". */
  before: string
  onMessage(m: FromWorker): void
  /** A crash, an exit, or a malformed message; may be called more than once (the first counts). */
  fail(err: AppError): void
}

/**
 * Validates each message against fromWorkerSchema before onMessage sees it. A malformed one fails the
 * job naming the message and field, and ends the worker: nothing it sends after that is trusted. The
 * message goes on as sent: zod's parsed copy would rebuild every object for nothing.
 */
export function listen(worker: Worker, l: WorkerListener): void {
  let broken = false
  worker.on('message', (raw: unknown) => {
    if (broken) return
    const problem = fromWorkerProblem(raw)
    if (problem === null) return l.onMessage(raw as FromWorker)
    broken = true
    l.fail(new AppError('INTERNAL', `${l.who} sent a malformed ${problem}`))
    void worker.terminate()
  })
  worker.on('error', (err) => l.fail(new AppError('INTERNAL', `${l.who} crashed: ${err.message}`)))
  worker.on('exit', (code) => l.fail(new AppError('INTERNAL', `${l.who} exited with code ${code} before ${l.before}`)))
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
    listen(worker, {
      who: 'training worker',
      before: 'finishing',
      onMessage: (m) => {
        if (m.type === 'done') settle(() => resolve(m))
        else if (m.type === 'error') settle(() => reject(fromWireError(m.error)))
        onMessage(m)
      },
      fail: (err) => settle(() => reject(err)),
    })
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
    listen(worker, {
      who: 'backend probe',
      before: 'answering',
      onMessage: (m) => {
        if (m.type === 'backend') resolve(probeReport(m.backend))
        else if (m.type === 'error') reject(fromWireError(m.error))
      },
      fail: reject,
    })
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
