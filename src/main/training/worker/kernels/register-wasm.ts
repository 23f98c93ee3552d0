// Installs the wasm gradient composites in place of wasm's missing/slow conv gradient kernels, and the
// heap kernels (heap-kernels.ts) in front of wasm's slow ones. Only backend 'wasm' is touched.
import * as tf from '@tensorflow/tfjs'
import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, Tensor4D, TensorInfo } from '@tensorflow/tfjs'
import { conv2dBackpropFilterComposite } from './conv2d-backprop-filter'
import { conv2dBackpropInputComposite } from './conv2d-backprop-input'
import { type HeapBackend, maxPoolGrad2x2, PATCH_ROWS, patchRows, RELU_GRAD, reluGradKernel, sharedIdentity, splitAxis, sumLeadingAxes } from './heap-kernels'

let registered = false

type HeapKernel = (inputs: Record<string, TensorInfo | undefined>, attrs: NamedAttrMap, b: HeapBackend) => TensorInfo | TensorInfo[] | null

const HEAP_KERNELS: Record<string, HeapKernel> = {
  MaxPoolGrad: maxPoolGrad2x2,
  SplitV: splitAxis,
  Sum: sumLeadingAxes,
  Identity: (inputs, _attrs, b) => sharedIdentity(inputs, b),
}

/** Idempotent; call after the wasm backend is registered (importing tfjs-backend-wasm does that). */
export function registerWasmKernels(): void {
  if (registered) return
  replace('Conv2DBackpropFilter', (i, attrs) => conv2dBackpropFilterComposite(i.x as Tensor4D, i.dy as Tensor4D, attrs as never))
  replace('Conv2DBackpropInput', (i, attrs) => conv2dBackpropInputComposite(i.dy as Tensor4D, i.filter as Tensor4D, attrs as never))
  for (const [name, fn] of Object.entries(HEAP_KERNELS)) front(name, fn)
  own(PATCH_ROWS, patchRows)
  own(RELU_GRAD, (inputs, _attrs, b) => reluGradKernel(inputs, b))
  registered = true
}

export function wasmKernelsRegistered(): boolean {
  return registered
}

// Kernels of our own (no tfjs op has them), called by name from the composites.
function own(name: string, fn: (inputs: Record<string, TensorInfo | undefined>, attrs: NamedAttrMap, b: HeapBackend) => TensorInfo): void {
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: (args) => fn(args.inputs as Record<string, TensorInfo | undefined>, (args.attrs ?? {}) as NamedAttrMap, args.backend as unknown as HeapBackend),
  })
}

// NCHW is never produced by our models; for it we keep wasm's own kernel where one exists.
function replace(name: string, composite: (inputs: NamedTensorInfoMap, attrs: NamedAttrMap) => TensorInfo): void {
  const original = tf.getKernel(name, 'wasm')
  if (original) tf.unregisterKernel(name, 'wasm')
  const kernelFunc: KernelFunc = (args) => {
    const attrs = (args.attrs ?? {}) as NamedAttrMap
    if (attrs.dataFormat === 'NCHW' && original) return original.kernelFunc(args)
    return composite(args.inputs, attrs)
  }
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc })
}

// A heap kernel answers the cases it handles; wasm's own kernel (kept with its setup) does the rest.
function front(name: string, fn: HeapKernel): void {
  const original = tf.getKernel(name, 'wasm')
  if (!original) throw new Error(`wasm has no ${name} kernel to put a heap kernel in front of`)
  tf.unregisterKernel(name, 'wasm')
  const kernelFunc: KernelFunc = (args) =>
    fn(args.inputs as Record<string, TensorInfo | undefined>, (args.attrs ?? {}) as NamedAttrMap, args.backend as unknown as HeapBackend) ??
    original.kernelFunc(args)
  tf.registerKernel({ ...original, kernelFunc })
}
