// Backend selection: the fallback order and the reason recorded for every backend passed over.
import * as tf from '@tensorflow/tfjs'
import { afterEach, describe, expect, it } from 'vitest'
import { BACKEND_ORDER, type NativeLoaders, selectBackend } from '../../../src/main/training/worker/backend'
import { type AdapterLike, type DawnModule, describeAdapter } from '../../../src/main/training/worker/webgpu-init'
import { useWasm } from './helpers'

const notFound = (pkg: string) => async (): Promise<never> => {
  throw Object.assign(new Error(`Cannot find package '${pkg}' imported from x.js`), { code: 'ERR_MODULE_NOT_FOUND' })
}

/** Stands in for tfjs-node(-gpu): registers a 'tensorflow' backend that reports a GPU or not. */
const fakeNative = (gpu: boolean) => async (): Promise<void> => {
  if (tf.findBackendFactory('tensorflow')) return
  tf.registerBackend('tensorflow', () => Object.assign(tf.findBackendFactory('cpu')!() as object, { isUsingGpuDevice: gpu }) as unknown as tf.KernelBackend)
}

/** Stands in for Dawn: one adapter described by `info` (or none), never a device. */
const fakeDawn = (info: AdapterLike['info'] | null, isFallbackAdapter = false) => async (): Promise<DawnModule> => ({
  globals: {},
  create: () => ({
    requestAdapter: async () =>
      info ? { info, isFallbackAdapter, features: new Set<string>(), limits: {}, requestDevice: () => Promise.reject(new Error('fake adapter')) } : null,
  }),
})
const swiftshader = fakeDawn({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' })

afterEach(async () => {
  if (tf.findBackendFactory('tensorflow')) tf.removeBackend('tensorflow')
  await useWasm()
})

describe('selectBackend', () => {
  it('falls through to wasm when neither native package is installed, saying why', async () => {
    const loaders: NativeLoaders = {
      importNodeGpu: notFound('@tensorflow/tfjs-node-gpu'),
      importNode: notFound('@tensorflow/tfjs-node'),
      importDawn: notFound('webgpu'),
    }
    const choice = await selectBackend({}, loaders)
    expect(choice.name).toBe('wasm')
    expect(tf.getBackend()).toBe('wasm')
    expect(choice.attempts).toEqual([
      { backend: 'tfjs-node-gpu', ok: false, reason: 'tfjs-node-gpu not installed' },
      { backend: 'webgpu', ok: false, reason: 'webgpu not installed' },
      { backend: 'tfjs-node', ok: false, reason: 'tfjs-node not installed' },
      { backend: 'wasm', ok: true, reason: expect.stringMatching(/XNNPACK/) },
    ])
  })

  it('passes over tfjs-node-gpu when it loads but finds no CUDA device', async () => {
    const choice = await selectBackend({}, { importNodeGpu: fakeNative(false), importNode: fakeNative(false), importDawn: fakeDawn(null) })
    expect(choice.attempts[0]).toEqual({ backend: 'tfjs-node-gpu', ok: false, reason: expect.stringMatching(/no CUDA device/) })
    expect(choice.attempts[1]).toEqual({ backend: 'webgpu', ok: false, reason: expect.stringMatching(/no WebGPU adapter/) })
    expect(choice.name).toBe('tfjs-node')
    expect(tf.getBackend()).toBe('tensorflow')
  })

  it('takes tfjs-node-gpu when it reports a GPU', async () => {
    const choice = await selectBackend({}, { importNodeGpu: fakeNative(true), importNode: notFound('x'), importDawn: swiftshader })
    expect(choice.name).toBe('tfjs-node-gpu')
    expect(choice.attempts).toHaveLength(1)
  })

  it('records a native library that fails to load', async () => {
    const broken = async (): Promise<never> => {
      throw new Error('libcudart.so.11.0: cannot open shared object file')
    }
    const choice = await selectBackend({ force: 'tfjs-node-gpu' }, { importNodeGpu: broken, importNode: broken, importDawn: broken }).catch((e: Error) => e)
    expect(choice).toBeInstanceOf(Error)
    expect((choice as Error).message).toMatch(/tfjs-node-gpu failed to load: libcudart/)
  })

  it('passes over a software adapter on its own, naming it, and goes on to wasm', async () => {
    const choice = await selectBackend({}, { importNodeGpu: notFound('@tensorflow/tfjs-node-gpu'), importNode: notFound('@tensorflow/tfjs-node'), importDawn: swiftshader })
    expect(choice.name).toBe('wasm')
    expect(choice.attempts[1]).toEqual({ backend: 'webgpu', ok: false, reason: expect.stringMatching(/software adapter, google swiftshader, which is slower than wasm/) })
  })

  it('records a Dawn binary that fails to load', async () => {
    const broken = async (): Promise<never> => {
      throw new Error('dawn.node: cannot open shared object file')
    }
    const choice = await selectBackend({}, { importNodeGpu: notFound('@tensorflow/tfjs-node-gpu'), importNode: notFound('@tensorflow/tfjs-node'), importDawn: broken })
    expect(choice.attempts[1]).toEqual({ backend: 'webgpu', ok: false, reason: 'webgpu failed to load: dawn.node: cannot open shared object file' })
  })

  it('tells software adapters from hardware ones by every field the driver fills', () => {
    expect(describeAdapter({ info: { vendor: 'google', architecture: 'swiftshader' } }).software).toBe(true)
    expect(describeAdapter({ info: { vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' } }).software).toBe(true)
    expect(describeAdapter({ info: { vendor: 'microsoft', description: 'Microsoft Basic Render Driver' } }).software).toBe(true)
    expect(describeAdapter({ info: { vendor: 'nvidia', architecture: 'hopper' }, isFallbackAdapter: true }).software).toBe(true)
    expect(describeAdapter({ info: { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200' } })).toEqual({
      vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: '', software: false,
    })
    expect(describeAdapter({ info: { vendor: 'apple', architecture: 'common-3' } }).software).toBe(false)
  })

  it('lists webgpu between tfjs-node-gpu and tfjs-node', () => {
    expect(BACKEND_ORDER).toEqual(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'])
  })

  it('honours force and rejects unknown names', async () => {
    const choice = await selectBackend({ force: 'cpu' })
    expect(choice).toMatchObject({ name: 'cpu', attempts: [{ backend: 'cpu', ok: true }] })
    await expect(selectBackend({ force: 'tpu' as never })).rejects.toThrow(/unknown backend "tpu"/)
  })

  it('with the real loaders never crashes on a missing optional package', async () => {
    const choice = await selectBackend()
    expect(['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm']).toContain(choice.name)
    for (const a of choice.attempts.filter((x) => !x.ok)) expect(a.reason).toMatch(/not installed|failed to load|no CUDA|no WebGPU adapter|software adapter/)
  })
})
