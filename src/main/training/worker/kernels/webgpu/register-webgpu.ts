// Installs the project's WGSL kernels for the `webgpu` backend. In place of tfjs's: the filter gradient
// (NCHW stays with tfjs's own), the 2×2 max-pool gradient (others go to tfjs's) and the softmax's
// gradient (through the gradient registry). Asked for by name: the U-Net layers' fused filter
// + bias gradients, one-pass ReLU gradient and one-pass 2× upsampling, Adam's update of one tensor in two
// passes (adam.ts), a batch's bytes turned into its tensors (data/source.ts), SimCLR's views of a batch
// in one program (augment/simclr.ts), and the Dice and NT-Xent losses with their gradients (losses/).
import * as tf from '@tensorflow/tfjs'
import { backend_util, type Conv2DBackpropFilterAttrs, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs'
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu'
import { RELU_GRAD } from '../heap-kernels'
import { type AdamAttrs, adamUpdateWebgpu } from './adam-program'
import { MaxPoolGrad2x2Program, ReluGradProgram, SoftmaxGradProgram } from './backward-programs'
import { bytesToUnitWebgpu, trimapOneHotWebgpu } from './batch-programs'
import { filterGradWebgpu } from './filter-grad'
import { diceGradWebgpu, diceWebgpu } from './dice-programs'
import * as names from './kernel-names'
import { normalizeRowsGradWebgpu, normalizeRowsWebgpu, ntXentRowsGradWebgpu, ntXentRowsWebgpu } from './nt-xent-programs'
import { upsample2xReluWebgpu } from './upsample-program'
import { simclrViewsWebgpu } from './views-program'

let registered = false

const gpu = (args: Parameters<KernelFunc>[0]): WebGPUBackend => args.backend as unknown as WebGPUBackend

/** Idempotent; call after importing tfjs-backend-webgpu (which registers tfjs's kernels). */
export function registerWebgpuKernels(): void {
  if (registered) return
  const originalFilterGrad = takeOver('Conv2DBackpropFilter')
  const originalMaxPoolGrad = takeOver('MaxPoolGrad')
  const kernels: Record<string, KernelFunc> = {
    Conv2DBackpropFilter: (args) => {
      const attrs = args.attrs as unknown as Conv2DBackpropFilterAttrs
      if (attrs.dataFormat === 'NCHW' && originalFilterGrad) return originalFilterGrad.kernelFunc(args)
      return filterGradWebgpu(args.inputs.x!, args.inputs.dy!, attrs, gpu(args))[0]!
    },
    [names.FILTER_BIAS_GRAD]: (args) => filterGradWebgpu(args.inputs.x!, args.inputs.dy!, args.attrs as never, gpu(args), { bias: 'dy' }),
    [names.TRANSPOSED_FILTER_BIAS_GRAD]: (args) => filterGradWebgpu(args.inputs.x!, args.inputs.dy!, args.attrs as never, gpu(args), { bias: 'x' }),
    [RELU_GRAD]: (args) => reluGrad(args.inputs.dy!, args.inputs.y!, gpu(args)),
    [names.ADAM_UPDATE]: (args) => adamUpdateWebgpu(args.inputs as never, args.attrs as unknown as AdamAttrs, gpu(args)),
    [names.BYTES_TO_UNIT]: (args) => bytesToUnitWebgpu(args.inputs.bytes!, args.attrs!.shape as number[], gpu(args)),
    [names.TRIMAP_ONE_HOT]: (args) => trimapOneHotWebgpu(args.inputs.ids!, args.attrs!.shape as number[], gpu(args)),
    [names.SIMCLR_VIEWS]: (args) => simclrViewsWebgpu(args.inputs.image!, args.inputs.params!, args.attrs!.size as number, gpu(args)),
    [names.DICE_LOSS]: (args) => diceWebgpu(args.inputs.yTrue!, args.inputs.yPred!, args.attrs!.eps as number, gpu(args)),
    [names.DICE_GRAD]: (args) => diceGradWebgpu(args.inputs.yTrue!, args.inputs.sums!, args.inputs.dy!, args.attrs!.eps as number, gpu(args)),
    [names.UPSAMPLE_2X_RELU]: (args) => upsample2xReluWebgpu(args.inputs.x!, args.inputs.w!, args.inputs.b!, gpu(args)),
    [names.NT_XENT_NORMALIZE]: (args) => normalizeRowsWebgpu(args.inputs.z!, gpu(args)),
    [names.NT_XENT_ROWS]: (args) => ntXentRowsWebgpu(args.inputs.sim!, args.attrs!.temperature as number, gpu(args)),
    [names.NT_XENT_ROWS_GRAD]: (args) => ntXentRowsGradWebgpu(args.inputs.sim!, args.inputs.dy!, args.attrs!.temperature as number, gpu(args)),
    [names.NT_XENT_NORMALIZE_GRAD]: (args) => normalizeRowsGradWebgpu(args.inputs.z!, args.inputs.zn!, args.inputs.dzn!, gpu(args)),
    [names.SOFTMAX_GRAD]: (args) => softmaxGrad(args.inputs.dy!, args.inputs.y!, gpu(args)),
    MaxPoolGrad: (args) => maxPoolGrad2x2(args.inputs.dy!, args.inputs.input!, args.attrs as never, gpu(args)) ?? originalMaxPoolGrad!.kernelFunc(args),
  }
  for (const [kernelName, kernelFunc] of Object.entries(kernels)) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc })
  fuseSoftmaxGradient()
  registered = true
}

export function webgpuKernelsRegistered(): boolean {
  return registered
}

/** Unregisters tfjs's webgpu kernel of that name, returning it for the cases ours leave to it. */
function takeOver(name: string): KernelConfig | undefined {
  const original = tf.getKernel(name, 'webgpu')
  if (original) tf.unregisterKernel(name, 'webgpu')
  return original
}

/**
 * Softmax's gradient in one pass where the backend has the kernel (webgpu), tfjs's own elsewhere:
 * gradients are registered for all backends at once, so this one decides per call. (tfjs's softmax is
 * over the last axis only, as the kernel's is.)
 */
function fuseSoftmaxGradient(): void {
  const original = tf.getGradient('Softmax')
  if (!original) return
  tf.registerGradient({
    ...original,
    gradFunc: (dy, saved, attrs) => {
      if (!tf.getKernel(names.SOFTMAX_GRAD, tf.getBackend())) return original.gradFunc(dy, saved, attrs)
      return { logits: () => tf.engine().runKernel(names.SOFTMAX_GRAD, { dy: dy as tf.Tensor, y: saved[0]! }) as tf.Tensor }
    },
  })
}

function softmaxGrad(dy: TensorInfo, y: TensorInfo, backend: WebGPUBackend): TensorInfo {
  if (dy.dtype !== 'float32' || y.dtype !== 'float32' || dy.shape.join() !== y.shape.join()) throw new Error(`${names.SOFTMAX_GRAD} needs two float32 tensors of one shape`)
  return backend.runWebGPUProgram(new SoftmaxGradProgram(y.shape), [dy, y], 'float32')
}

function reluGrad(dy: TensorInfo, y: TensorInfo, backend: WebGPUBackend): TensorInfo {
  if (dy.dtype !== 'float32' || y.dtype !== 'float32' || dy.shape.join() !== y.shape.join()) throw new Error(`${RELU_GRAD} needs two float32 tensors of one shape`)
  return backend.runWebGPUProgram(new ReluGradProgram(dy.shape), [dy, y], 'float32')
}

/** Our pass for 2×2 stride-2 windows that tile the input (the U-Net's pools); null for anything else. */
function maxPoolGrad2x2(dy: TensorInfo, input: TensorInfo, attrs: Record<string, unknown>, backend: WebGPUBackend): TensorInfo | null {
  if (dy.dtype !== 'float32' || input.dtype !== 'float32' || input.shape.length !== 4) return null
  const [n, h, w, c] = input.shape as [number, number, number, number]
  const info = backend_util.computePool2DInfo(
    [n, h, w, c], attrs.filterSize as [number, number], attrs.strides as [number, number], 1,
    attrs.pad as 'valid', attrs.dimRoundingMode as 'floor' | undefined,
  )
  const tiles = info.padInfo.top === 0 && info.padInfo.left === 0 && info.outHeight * 2 === h && info.outWidth * 2 === w
  if (info.filterHeight !== 2 || info.filterWidth !== 2 || info.strideHeight !== 2 || info.strideWidth !== 2 || !tiles) return null
  return backend.runWebGPUProgram(new MaxPoolGrad2x2Program(input.shape), [dy, input], 'float32')
}
