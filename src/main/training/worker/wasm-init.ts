// Starts the tfjs wasm backend under Node: binaries from node_modules, optional XNNPACK threads, and
// the gradient composites of ./kernels that make training on wasm possible and fast.
import * as tf from '@tensorflow/tfjs'
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { registerWasmKernels } from './kernels/register-wasm'

const require = createRequire(import.meta.url)
let started: number | null = null

/**
 * Makes wasm the active backend and returns its thread count. The thread count is fixed by the first
 * call in a process (the wasm module cannot be re-created), so later calls return the first count.
 */
export async function initWasm(threads = 1): Promise<number> {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`wasm threads must be a positive integer, got ${threads}`)
  if (started === null) {
    // TFJS_WASM_DIR points at a copy of the package's dist/ (beside its wasm-out/) where node_modules
    // is not on disk as such: a bundled benchmark, a packaged app with the binaries unpacked.
    const distDir = process.env.TFJS_WASM_DIR ?? path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))
    setWasmPaths(distDir + path.sep)
    if (threads > 1) {
      setThreadsCount(threads)
      await startThreaded(distDir, threads)
    } else {
      setThreadsCount(1)
      await setWasm()
    }
    registerWasmKernels()
    started = getThreadsCount()
  } else {
    await setWasm()
  }
  return started
}

async function setWasm(): Promise<void> {
  if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed")
  await tf.ready()
}

// tfjs-backend-wasm 4.22 turns threads off under Node because its pthread worker script is a blob: URL,
// which worker_threads cannot load. We write that script to a file (loading the module factory from
// node_modules by path) and hand its path out while the backend starts.
async function startThreaded(distDir: string, threads: number): Promise<void> {
  const workerFile = writeWorkerScript(distDir)
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true)
  const original = URL.createObjectURL
  URL.createObjectURL = (obj: Blob | MediaSource): string =>
    obj instanceof Blob && obj.type === 'application/javascript' ? workerFile : original(obj)
  // The module caps its pool at os.cpus().length / 2 (read once, when it starts), assuming two
  // hyperthreads per core; report twice the threads wanted so that setThreadsCount decides.
  const cpus = os.cpus
  const cpu0 = cpus()[0]
  os.cpus = () => Array.from({ length: threads * 2 }, () => cpu0 as os.CpuInfo)
  try {
    await setWasm()
  } finally {
    URL.createObjectURL = original
    os.cpus = cpus
  }
}

function writeWorkerScript(distDir: string): string {
  const outDir = path.join(distDir, '..', 'wasm-out')
  const factory = path.join(outDir, 'tfjs-backend-wasm-threaded-simd.js')
  const { wasmWorkerContents } = require(path.join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string
  }
  const branch = /if\(typeof e\.data\.urlOrBlob=="string"\)\{importScripts\(e\.data\.urlOrBlob\)\}else\{[^}]*\}/
  if (!branch.test(wasmWorkerContents)) throw new Error('unrecognised tfjs-backend-wasm worker script (threads need 4.22)')
  // The template literal turned the script's "\n" escapes into real newlines; tfjs undoes it the same way.
  const script = wasmWorkerContents.replace(/\n/g, '\\n').replace(branch, `importScripts(${JSON.stringify(factory)});`)
  // Named by content, so every process (and worker) shares one file and none needs cleaning up.
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 16)
  const file = path.join(os.tmpdir(), `tfjs-wasm-pthread-${hash}.cjs`)
  if (!fs.existsSync(file)) {
    const tmp = `${file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, script)
    fs.renameSync(tmp, file)
  }
  return file
}
