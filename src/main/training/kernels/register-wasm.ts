// Installs the wasm gradient composites in place of wasm's missing/slow conv gradient kernels.
// Only backend 'wasm' is touched: other backends keep their own kernels.
import * as tf from '@tensorflow/tfjs'
import type { KernelConfig, KernelFunc, NamedAttrMap } from '@tensorflow/tfjs'
import { backpropFilterKernel } from './conv2d-backprop-filter'
import { backpropInputKernel } from './conv2d-backprop-input'

let registered = false

/** Idempotent; call after the wasm backend is registered (importing tfjs-backend-wasm does that). */
export function registerWasmKernels(): void {
  if (registered) return
  replace(backpropFilterKernel())
  replace(backpropInputKernel())
  registered = true
}

export function wasmKernelsRegistered(): boolean {
  return registered
}

// NCHW is never produced by our models; for it we keep wasm's own kernel where one exists.
function replace(config: KernelConfig): void {
  const original = tf.getKernel(config.kernelName, 'wasm')
  if (original) tf.unregisterKernel(config.kernelName, 'wasm')
  const composite = config.kernelFunc
  const kernelFunc: KernelFunc = (args) => {
    const attrs = args.attrs as NamedAttrMap | undefined
    if (attrs?.dataFormat === 'NCHW' && original) return original.kernelFunc(args)
    return composite(args)
  }
  tf.registerKernel({ ...config, kernelFunc })
}
