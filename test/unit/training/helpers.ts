// Shared helpers of the training unit tests: backends, seeded random arrays, error measures.
import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../../../src/main/training/worker/backend'
import { initWasm } from '../../../src/main/training/worker/wasm-init'
import { makeRng } from '../../../src/main/training/worker/augment/random'

/**
 * wasm with the gradient composites, as the training worker uses it: one thread unless a test file
 * sets UNET_TEST_WASM_THREADS first (wasm starts once per process, so each count needs its own file).
 */
export async function useWasm(): Promise<void> {
  const want = Number(process.env.UNET_TEST_WASM_THREADS ?? 1)
  const got = await initWasm(want)
  if (got !== want) throw new Error(`wasm runs ${got} threads in this test process, the test wants ${want}`)
}

/**
 * Starts the webgpu backend on whatever adapter Dawn finds: '' when it runs, else why not (printed, so
 * that a file whose tests are skipped for it says so). CI guards against a missing adapter with the
 * adapter test in webgpu-kernels.test.ts.
 */
export async function probeWebgpu(what: string): Promise<string> {
  const why = await selectBackend({ force: 'webgpu' }).then(
    () => '',
    (e: Error) => e.message,
  )
  if (why) console.warn(`${what} skipped: ${why}`)
  return why
}

export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu')
  await tf.ready()
}

export function randomArray(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = makeRng(seed)
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng())
}

/** max |a − b| / max |b|: the relative error of a against the reference b. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`)
  let diff = 0
  let scale = 0
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!))
    scale = Math.max(scale, Math.abs(b[i]!))
  }
  return diff / Math.max(scale, 1e-12)
}
