// Starts the tfjs wasm backend under Node: binaries from node_modules, optional XNNPACK threads (through
// wasm-threads-adapter.ts), and the gradient composites of ./kernels that make training on wasm fast.
import * as tf from '@tensorflow/tfjs'
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { createRequire } from 'node:module'
import path from 'node:path'
import { registerWasmKernels } from './kernels/register-wasm'
import { startThreaded } from './wasm-threads-adapter'

// Not named `require`: the bundled worker gets a top-level `require` of its own from electron-vite.
const requireHere = createRequire(import.meta.url)
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
    const distDir = process.env.TFJS_WASM_DIR ?? path.dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm'))
    setWasmPaths(distDir + path.sep)
    if (threads > 1) {
      setThreadsCount(threads)
      await startThreaded(distDir, threads, setWasm)
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
