// Picks the tfjs backend a training run uses (tfjs-node-gpu → webgpu → tfjs-node → wasm → cpu) and
// records why each faster one was passed over, so the run can show the user what it trained on.
import * as tf from '@tensorflow/tfjs'
import os from 'node:os'
import { AppError } from '../../../shared/errors'
import { BACKEND_NAMES, type BackendName } from '../../../shared/training-protocol'
import { initWasm } from './wasm-init'
import { type AdapterReport, adapterLabel, type DawnModule, initWebgpu, loadDawn } from './webgpu-init'

export type { BackendName }
export const BACKEND_ORDER: readonly BackendName[] = BACKEND_NAMES

export interface BackendAttempt {
  backend: BackendName
  ok: boolean
  reason: string
}

export interface BackendChoice {
  name: BackendName
  /** Threads the backend computes with (wasm: XNNPACK pool size; native: all cores). */
  threads: number
  attempts: BackendAttempt[]
  /** webgpu only: the adapter it runs on. */
  adapter?: AdapterReport
}

export interface BackendOptions {
  /** Use exactly this backend, failing with its reason if it does not load. */
  force?: BackendName
  /** wasm only: thread count; 1 keeps the stock single-threaded build (the default in tests). */
  wasmThreads?: number
  /** webgpu only: Dawn toggles (e.g. timestamp queries for profiling). */
  dawnFlags?: string[]
}

/** Loaders for the optional native packages; tests replace them to simulate a missing package. */
export interface NativeLoaders {
  importNodeGpu: () => Promise<unknown>
  importNode: () => Promise<unknown>
  importDawn: () => Promise<DawnModule>
}

// Dynamic imports through a variable so bundlers and tsc do not require the optional packages.
const importOptional = (name: string): Promise<unknown> => import(/* @vite-ignore */ name)
const defaultLoaders: NativeLoaders = {
  importNodeGpu: () => importOptional('@tensorflow/tfjs-node-gpu'),
  importNode: () => importOptional('@tensorflow/tfjs-node'),
  importDawn: loadDawn,
}

export async function selectBackend(
  opts: BackendOptions = {},
  loaders: NativeLoaders = defaultLoaders,
): Promise<BackendChoice> {
  if (opts.force !== undefined && !BACKEND_ORDER.includes(opts.force)) {
    throw new AppError('BAD_INPUT', `unknown backend "${String(opts.force)}"; use one of ${BACKEND_ORDER.join(', ')}`)
  }
  const order = opts.force ? [opts.force] : BACKEND_ORDER
  const attempts: BackendAttempt[] = []
  for (const name of order) {
    const res = await tryBackend(name, opts, loaders)
    attempts.push({ backend: name, ok: res.ok, reason: res.reason })
    if (res.ok) return { name, threads: res.threads, attempts, ...(res.adapter ? { adapter: res.adapter } : {}) }
  }
  const why = attempts.map((a) => `${a.backend}: ${a.reason}`).join('; ')
  throw new AppError('UNSUPPORTED', `no tfjs backend could be started (${why})`)
}

interface TryResult {
  ok: boolean
  reason: string
  threads: number
  adapter?: AdapterReport
}

async function tryBackend(name: BackendName, opts: BackendOptions, loaders: NativeLoaders): Promise<TryResult> {
  try {
    switch (name) {
      case 'tfjs-node-gpu':
        return await tryNative(loaders.importNodeGpu, '@tensorflow/tfjs-node-gpu', true)
      case 'webgpu':
        return await tryWebgpu(opts, loaders.importDawn)
      case 'tfjs-node':
        return await tryNative(loaders.importNode, '@tensorflow/tfjs-node', false)
      case 'wasm': {
        const threads = await initWasm(opts.wasmThreads ?? 1)
        return { ok: true, reason: `XNNPACK with ${threads} thread(s)`, threads }
      }
      case 'cpu':
        await setOrThrow('cpu')
        return { ok: true, reason: 'pure-JS kernels (slow)', threads: 1 }
    }
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err), threads: 0 }
  }
}

async function tryNative(load: () => Promise<unknown>, pkg: string, needGpu: boolean): Promise<TryResult> {
  try {
    await load()
  } catch (err) {
    // tfjs-node-gpu without a GPU still left its CPU libtensorflow registered: as good as tfjs-node.
    const reuse = !needGpu && tf.findBackendFactory('tensorflow') !== null
    if (!reuse) return { ok: false, reason: describeImportError(err, pkg), threads: 0 }
  }
  // The package registers the 'tensorflow' backend on the tfjs-core it imported; if npm installed a
  // second copy of tfjs-core for it, our engine never sees that registration.
  if (tf.findBackendFactory('tensorflow') === null) {
    return { ok: false, reason: `${pkg} loaded but registered no backend with this @tensorflow/tfjs (version mismatch?)`, threads: 0 }
  }
  await setOrThrow('tensorflow')
  if (needGpu && !usesGpu(tf.backend())) {
    // libtensorflow silently falls back to the CPU when CUDA/cuDNN or a device is missing.
    await tf.setBackend('cpu')
    return { ok: false, reason: 'no CUDA device (libtensorflow is running on the CPU)', threads: 0 }
  }
  return { ok: true, reason: needGpu ? 'CUDA GPU' : 'libtensorflow on the CPU', threads: os.cpus().length }
}

// A forced webgpu may run on a software adapter (tests on CPU-only machines); the automatic choice may not.
async function tryWebgpu(opts: BackendOptions, load: () => Promise<DawnModule>): Promise<TryResult> {
  let loadFailed = false
  const guarded = (): Promise<DawnModule> =>
    load().catch((err: unknown) => {
      loadFailed = true
      throw err
    })
  try {
    const adapter = await initWebgpu({ allowSoftware: opts.force === 'webgpu', dawnFlags: opts.dawnFlags }, guarded)
    return { ok: true, reason: `Dawn on ${adapterLabel(adapter)}`, threads: 1, adapter }
  } catch (err) {
    const reason = loadFailed ? describeImportError(err, 'webgpu') : err instanceof Error ? err.message : String(err)
    return { ok: false, reason, threads: 0 }
  }
}

function usesGpu(backend: unknown): boolean {
  const flag = (backend as { isUsingGpuDevice?: boolean | (() => boolean) }).isUsingGpuDevice
  return typeof flag === 'function' ? Boolean(flag.call(backend)) : flag === true
}

function describeImportError(err: unknown, pkg: string): string {
  const code = (err as { code?: string }).code
  const msg = err instanceof Error ? err.message : String(err)
  if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && msg.includes(pkg)) {
    return `${pkg.replace('@tensorflow/', '')} not installed`
  }
  // Installed but its native library (libtensorflow, CUDA libraries) failed to load.
  return `${pkg.replace('@tensorflow/', '')} failed to load: ${msg.split('\n')[0]}`
}

async function setOrThrow(name: string): Promise<void> {
  const ok = await tf.setBackend(name)
  if (!ok) throw new Error(`tf.setBackend('${name}') failed`)
  await tf.ready()
}
