// Installs the project's WGSL kernels for the `webgpu` backend: the filter gradient in place of tfjs's
// (NCHW stays with tfjs's own), and the fused filter + bias gradient the U-Net's layers ask for.
import * as tf from '@tensorflow/tfjs'
import type { Conv2DBackpropFilterAttrs, KernelConfig, KernelFunc } from '@tensorflow/tfjs'
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu'
import { filterGradWebgpu } from './filter-grad'
import { FILTER_BIAS_GRAD } from './kernel-names'

let registered = false

/** Idempotent; call after importing tfjs-backend-webgpu (which registers tfjs's kernels). */
export function registerWebgpuKernels(): void {
  if (registered) return
  const original = tf.getKernel('Conv2DBackpropFilter', 'webgpu')
  if (original) tf.unregisterKernel('Conv2DBackpropFilter', 'webgpu')
  const filterGrad: KernelFunc = (args) => {
    const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs
    if (attrs.dataFormat === 'NCHW' && original) return original.kernelFunc(args)
    const { x, dy } = args.inputs
    return filterGradWebgpu(x!, dy!, attrs, args.backend as unknown as WebGPUBackend, { withBias: false })[0]!
  }
  const filterBiasGrad: KernelFunc = (args) => {
    const { x, dy } = args.inputs
    return filterGradWebgpu(x!, dy!, args.attrs as never, args.backend as unknown as WebGPUBackend, { withBias: true })
  }
  const kernels: KernelConfig[] = [
    { kernelName: 'Conv2DBackpropFilter', backendName: 'webgpu', kernelFunc: filterGrad },
    { kernelName: FILTER_BIAS_GRAD, backendName: 'webgpu', kernelFunc: filterBiasGrad },
  ]
  for (const k of kernels) tf.registerKernel(k)
  registered = true
}

export function webgpuKernelsRegistered(): boolean {
  return registered
}
