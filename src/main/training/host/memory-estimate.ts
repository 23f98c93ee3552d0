// A rough upper estimate of the memory one training step needs, so a run whose batch cannot fit is
// refused before it is queued rather than dying in the worker an hour later.
import os from 'node:os'

/** Floats kept per activation element over a forward + backward pass (activations, their gradients,
 *  kernel temporaries). Calibrated so the paper U-Net at 128×128, batch 32 (~3 GiB) fits wasm's heap,
 *  as measured (PLATFORM.md), and batch 48 does not. */
const FLOATS_PER_ACTIVATION = 10
/** wasm's heap is one 32-bit address space; tfjs and the model need some of it too. */
const WASM_HEAP_BYTES = 3.6 * 1024 ** 3

export interface StepShape {
  kind: 'pretrain' | 'finetune'
  method: string
  channels: number[]
  batchSize: number
  imageSize: number
  simclrSize: number
}

/** Activation elements of one image through the U-Net (encoder + mirrored decoder). */
function unetElements(size: number, channels: number[], encoderOnly: boolean): number {
  let sum = 0
  channels.forEach((c, level) => {
    const side = size / 2 ** level
    sum += side * side * c
  })
  return encoderOnly ? sum : sum * 2.5
}

export function stepBytes(s: StepShape): number {
  if (s.kind === 'pretrain' && s.method === 'simclr') {
    // Two views per image through the encoder, plus the projection head (small).
    return 2 * s.batchSize * unetElements(s.simclrSize, s.channels, true) * FLOATS_PER_ACTIVATION * 4
  }
  return s.batchSize * unetElements(s.imageSize, s.channels, false) * FLOATS_PER_ACTIVATION * 4
}

/**
 * Bytes of the largest single tensor of a step: the top decoder level's concatenation (skip + upsampled,
 * 2·c0 channels), or for SimCLR both views of the first encoder level. On webgpu every tensor is one
 * storage buffer, so this must fit the adapter's maxStorageBufferBindingSize.
 */
export function largestTensorBytes(s: StepShape): number {
  const c0 = s.channels[0] ?? 0
  if (s.kind === 'pretrain' && s.method === 'simclr') return 2 * s.batchSize * s.simclrSize ** 2 * c0 * 4
  return s.batchSize * s.imageSize ** 2 * 2 * c0 * 4
}

/**
 * Memory a backend can give a step: wasm's fixed heap; native CPU backends part of the RAM. GPUs
 * (tfjs-node-gpu, webgpu): unknown here, as WebGPU does not expose the device's memory size.
 */
export function memoryBudget(backend: string): number | null {
  if (backend === 'wasm') return WASM_HEAP_BYTES
  if (backend === 'tfjs-node' || backend === 'cpu') return os.totalmem() * 0.6
  return null
}

/**
 * A sentence explaining why the batch does not fit, or null when it does (or cannot be judged).
 * maxBufferBytes: webgpu's largest buffer (AdapterReport.maxBufferBytes), when the caller knows it.
 */
export function memoryProblem(s: StepShape, backend: string, maxBufferBytes?: number): string | null {
  if (backend === 'webgpu' && maxBufferBytes !== undefined) return bufferProblem(s, maxBufferBytes)
  const budget = memoryBudget(backend)
  if (budget === null) return null
  const need = stepBytes(s)
  if (need <= budget) return null
  const perImage = need / s.batchSize
  const fits = Math.max(0, Math.floor(budget / perImage))
  const gib = (b: number): string => (b / 1024 ** 3).toFixed(1)
  return (
    `batch ${s.batchSize} needs about ${gib(need)} GiB per training step but the ${backend} backend has about ` +
    `${gib(budget)} GiB: use a batch of at most ${fits}` + (fits === 0 ? ' (or smaller images)' : '')
  )
}

/**
 * The largest batch whose step fits the backend (its memory budget, and on webgpu the adapter's buffer
 * limit), or null where neither is known (tfjs-node-gpu; webgpu without an adapter report).
 */
export function largestBatch(s: StepShape, backend: string, maxBufferBytes?: number): number | null {
  const one = { ...s, batchSize: 1 }
  const fits: number[] = []
  const budget = memoryBudget(backend)
  if (budget !== null) fits.push(Math.floor(budget / stepBytes(one)))
  if (backend === 'webgpu' && maxBufferBytes !== undefined) fits.push(Math.floor(maxBufferBytes / largestTensorBytes(one)))
  return fits.length ? Math.min(...fits) : null
}

function bufferProblem(s: StepShape, maxBufferBytes: number): string | null {
  const need = largestTensorBytes(s)
  if (need <= maxBufferBytes) return null
  const fits = Math.floor((maxBufferBytes / need) * s.batchSize)
  const mib = (b: number): string => (b / 1024 ** 2).toFixed(0)
  return (
    `batch ${s.batchSize} makes a ${mib(need)} MiB tensor but this GPU's buffers hold at most ${mib(maxBufferBytes)} MiB: ` +
    `use a batch of at most ${fits}` + (fits === 0 ? ' (or smaller images)' : '')
  )
}
