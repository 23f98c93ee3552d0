// Starts tfjs's webgpu backend under Node through Dawn (npm `webgpu`, optional), on an adapter this
// module inspects first, and installs the project's WGSL kernels (./kernels/webgpu). Used by backend.ts.
import * as tf from '@tensorflow/tfjs'
import { createRequire } from 'node:module'
import { recordGpuFault } from './gpu-faults'
import { registerWebgpuKernels } from './kernels/webgpu/register-webgpu'

/** What the run trained on, as the adapter describes itself. */
export interface AdapterReport {
  vendor: string
  architecture: string
  device: string
  description: string
  /** A CPU implementation (SwiftShader, llvmpipe, WARP): correct, but far slower than wasm. */
  software: boolean
  /** The largest storage buffer, i.e. tensor, the adapter allows (memory-estimate.ts checks a batch against it). */
  maxBufferBytes?: number
}

/** The parts of Dawn's `webgpu` module and of WebGPU's objects this module touches. */
export interface DawnModule {
  create(flags: string[]): GpuLike
  globals: object
}
export interface GpuLike {
  requestAdapter(opts?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<AdapterLike | null>
}
export interface AdapterLike {
  info?: Partial<Record<'vendor' | 'architecture' | 'device' | 'description', string>>
  isFallbackAdapter?: boolean
  features: ReadonlySet<string>
  limits: Record<string, number>
  requestDevice(descriptor?: object): Promise<unknown>
}

export interface WebgpuOptions {
  /** Accept a software adapter (tests, a forced `--backend webgpu`); the automatic choice never does. */
  allowSoftware: boolean
  /** Dawn toggles, e.g. 'enable-dawn-features=allow_unsafe_apis' for timestamp queries (profiling). */
  dawnFlags?: string[]
}

// Not named `require`: the bundled worker gets a top-level `require` of its own from electron-vite.
const requireHere = createRequire(import.meta.url)
// Through a variable so bundlers and tsc do not require the optional package.
const importOptional = (name: string): Promise<unknown> => import(/* @vite-ignore */ name)

/**
 * Dawn from DAWN_NODE_PATH (a bundled benchmark ships dawn.node beside itself), else the `webgpu`
 * package. The package's index adds a fix to GPUDevice.destroy; the bare binary works without it.
 */
export async function loadDawn(): Promise<DawnModule> {
  const file = process.env.DAWN_NODE_PATH
  if (file) return requireHere(file) as DawnModule
  return (await importOptional('webgpu')) as DawnModule
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|warp/i

export function describeAdapter(adapter: Pick<AdapterLike, 'info' | 'isFallbackAdapter'> & Partial<Pick<AdapterLike, 'limits'>>): AdapterReport {
  const info = adapter.info ?? {}
  const r = { vendor: info.vendor ?? '', architecture: info.architecture ?? '', device: info.device ?? '', description: info.description ?? '' }
  const software = adapter.isFallbackAdapter === true || SOFTWARE.test(`${r.vendor} ${r.architecture} ${r.device} ${r.description}`)
  const max = adapter.limits?.maxStorageBufferBindingSize
  return { ...r, software, ...(max !== undefined ? { maxBufferBytes: max } : {}) }
}

/** "nvidia hopper (NVIDIA H200)": vendor, architecture and device, whichever the driver reports. */
export function adapterLabel(a: AdapterReport): string {
  const head = [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unnamed adapter'
  const detail = a.device || a.description
  return detail && detail !== head ? `${head} (${detail})` : head
}

const gpus = new WeakMap<DawnModule, GpuLike>()
let registeredOn: AdapterLike | null = null

/** Makes webgpu the active backend and returns its adapter, or throws the reason it cannot. */
export async function initWebgpu(opts: WebgpuOptions, load: () => Promise<DawnModule> = loadDawn): Promise<AdapterReport> {
  const dawn = await load()
  let gpu = gpus.get(dawn)
  if (!gpu) {
    gpu = dawn.create(opts.dawnFlags ?? [])
    gpus.set(dawn, gpu)
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' })
  if (!adapter) throw new Error('no WebGPU adapter (Dawn found no Vulkan, Metal or D3D12 device)')
  const report = describeAdapter(adapter)
  if (report.software && !opts.allowSoftware) {
    throw new Error(`only a software adapter, ${adapterLabel(report)}, which is slower than wasm (--backend webgpu forces it)`)
  }
  // The backend is registered once per process, on the first adapter accepted: Dawn's device lives as
  // long as the process, and an adapter does not change under a running process.
  if (!registeredOn) {
    installGlobals(dawn, gpu)
    await registerBackend(adapter)
    registeredOn = adapter
  }
  if (!(await tf.setBackend('webgpu'))) throw new Error("tf.setBackend('webgpu') failed")
  await tf.ready()
  return report
}

// tfjs-backend-webgpu looks for navigator.gpu and WebGPU's constants (GPUBufferUsage…) as globals,
// which Node lacks.
function installGlobals(dawn: DawnModule, gpu: GpuLike): void {
  const g = globalThis as Record<string, unknown>
  for (const [k, v] of Object.entries(dawn.globals)) if (!(k in g)) g[k] = v
  const nav = g.navigator as Record<string, unknown> | undefined
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true })
  else g.navigator = { gpu }
}

// The package registers a factory that asks for an adapter of its own; ours uses the one inspected.
async function registerBackend(adapter: AdapterLike): Promise<void> {
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu')
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu')
  tf.registerBackend('webgpu', async () => {
    const device = (await adapter.requestDevice(deviceDescriptor(adapter))) as DeviceLike
    watchErrors(device)
    return new WebGPUBackend(device as never, adapter.info as never)
  })
  registerWebgpuKernels()
}

/** The parts of a GPUDevice that report errors. */
interface DeviceLike {
  addEventListener(type: 'uncapturederror', listener: (e: { error: { message: string; constructor: { name: string } } }) => void): void
  lost: Promise<{ reason?: string; message: string }>
}

const ERROR_KINDS: Record<string, string> = { GPUOutOfMemoryError: 'out of memory', GPUValidationError: 'a validation error', GPUInternalError: 'an internal error' }

// tfjs-backend-webgpu never looks at the device's errors; gpu-faults.ts says why they matter.
function watchErrors(device: DeviceLike): void {
  device.addEventListener('uncapturederror', (e) => recordGpuFault(ERROR_KINDS[e.error.constructor.name] ?? 'an error', e.error.message))
  void device.lost.then((info) => recordGpuFault('the loss of its device', `${info.reason ?? 'unknown'}: ${info.message}`))
}

// Large tensors need the adapter's own limits, not WebGPU's small defaults; timestamps feed tf.profile.
function deviceDescriptor(adapter: AdapterLike): object {
  const wanted = ['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup']
  const requiredLimits = Object.fromEntries(wanted.filter((k) => adapter.limits[k] !== undefined).map((k) => [k, adapter.limits[k]]))
  const requiredFeatures = adapter.features.has('timestamp-query') ? ['timestamp-query'] : []
  return { requiredFeatures, requiredLimits }
}
