// The one place that knows the tfjs-backend-wasm internals wasm-init.ts patches to get XNNPACK threads
// under Node. test/unit/training/wasm-threads-adapter.test.ts fails when the installed version moves.
import * as tf from '@tensorflow/tfjs'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

// Not named `require`: the bundled worker gets a top-level `require` of its own from electron-vite.
const requireHere = createRequire(import.meta.url)

/** The @tensorflow/tfjs-backend-wasm version whose internals this file was written against. */
export const TFJS_WASM_PATCHED_FOR = '4.22.0'

/**
 * What to re-check when tfjs-backend-wasm changes: each is an internal of TFJS_WASM_PATCHED_FOR that
 * startThreaded relies on.
 */
export const PATCHED_INTERNALS = [
  'the WASM_HAS_MULTITHREAD_SUPPORT flag still turns threads on (and is still off under Node)',
  'the pthread worker script is still made with URL.createObjectURL(Blob of type application/javascript)',
  'wasm-out/tfjs-backend-wasm-threaded-simd.worker.js still exports wasmWorkerContents with the importScripts(urlOrBlob) branch',
  'wasm-out/tfjs-backend-wasm-threaded-simd.js is still the module factory that branch should import',
  'the module still sizes its thread pool from os.cpus().length / 2, read once while the backend starts',
] as const

/**
 * Runs start() (which sets the wasm backend) patched so that the module starts `threads` threads.
 * tfjs-backend-wasm 4.22 turns threads off under Node because its pthread worker script is a blob: URL,
 * which worker_threads cannot load: we write that script to a file (loading the module factory from
 * node_modules by path) and hand its path out while the backend starts.
 */
export async function startThreaded(distDir: string, threads: number, start: () => Promise<void>): Promise<void> {
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
    await start()
  } finally {
    URL.createObjectURL = original
    os.cpus = cpus
  }
}

/** The pthread worker script as a file that worker_threads can load; its path. Exported for its test. */
export function writeWorkerScript(distDir: string): string {
  const outDir = path.join(distDir, '..', 'wasm-out')
  const factory = path.join(outDir, 'tfjs-backend-wasm-threaded-simd.js')
  const { wasmWorkerContents } = requireHere(path.join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
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
