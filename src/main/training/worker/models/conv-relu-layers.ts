// Conv + bias + ReLU as single ops with their own gradients, and the U-Net layers built on them.
// tfjs records conv, bias add and ReLU as three full-size tensors (and three gradients) per layer; these
// keep only the output, which cuts a 128×128 batch-32 step's peak memory by about a third.
import * as tf from '@tensorflow/tfjs'
import { convFilterBiasGrad, reluGrad } from '../kernels/conv2d-backprop-filter'
import { RELU_GRAD } from '../kernels/heap-kernels'
import { TRANSPOSED_FILTER_BIAS_GRAD, UPSAMPLE_2X_RELU } from '../kernels/webgpu/kernel-names'

type T4 = tf.Tensor4D

const filterGrad = (x: tf.Tensor, dy: tf.Tensor, shape: number[], strides: number, pad: 'same' | 'valid'): T4 =>
  tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides, pad, dataFormat: 'NHWC', filterShape: shape } as never) as T4

type FusedReluOp = (x: T4, w: T4, b: tf.Tensor1D) => T4

/**
 * An op relu(f(x, w) + b) whose gradient keeps only x, w and the output y: `backward` gets the output
 * gradient taken through the ReLU and returns the gradients of x, w and b.
 */
function fusedReluOp(forward: FusedReluOp, backward: (g: T4, x: T4, w: T4) => [T4, T4, tf.Tensor1D]): FusedReluOp {
  return tf.customGrad(((x: T4, w: T4, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const y = forward(x, w, b)
    save([x, w, y])
    return {
      value: y,
      gradFunc: (dy: T4, saved: tf.Tensor[]) => {
        const [sx, sw, sy] = saved as [T4, T4, T4]
        return backward(throughRelu(dy, sy), sx, sw)
      },
    }
  }) as never) as unknown as FusedReluOp
}

/**
 * relu(conv2d(x, w, stride 1, 'same') + b). Without `inputGradient` (a network's first layer, whose x
 * is the image) x's gradient is zeros: tfjs never reads it there, and the full-size conv it would take
 * is the step's largest input gradient.
 */
const convReluWith = (inputGradient: boolean): FusedReluOp =>
  fusedReluOp(
    (x, w, b) => fusedKernel('FusedConv2D', { x, filter: w, bias: b }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] }) as T4,
    (g, x, w) => {
      const [gw, gb] = convFilterBiasGrad(x, g, w.shape, 1, 'same')
      return [inputGradient ? tf.conv2dTranspose(g, w, x.shape, 1, 'same') : tf.zerosLike(x), gw, gb]
    },
  )

export const convRelu = convReluWith(true)
const convReluOnInput = convReluWith(false)

/** relu(conv2dTranspose(x, w, k2 s2) + b), w [2,2,Cout,Cin]: the decoder's 2× upsampling. */
export const upConvRelu = fusedReluOp(
  (x, w, b) => tf.tidy(() => upsample2x(x, w, b)),
  // A transposed conv's input gradient is the forward conv; its filter gradient swaps x and dy.
  (g, x, w) => [tf.conv2d(g, w, 2, 'valid'), ...upFilterBiasGrad(g, x, w.shape)],
)

// On webgpu, the ReLU gradient in one pass (reluGrad does the same on wasm; elsewhere Step, then Multiply).
const throughRelu = (dy: T4, y: T4): T4 =>
  tf.getBackend() === 'webgpu' && tf.getKernel(RELU_GRAD, 'webgpu') ? (tf.engine().runKernel(RELU_GRAD, { dy, y }) as T4) : reluGrad(dy, y)

/** The 2×2 stride-2 transposed conv's filter and bias gradients; one pass over g on webgpu. */
function upFilterBiasGrad(g: T4, x: T4, shape: number[]): [T4, tf.Tensor1D] {
  if (tf.getKernel(TRANSPOSED_FILTER_BIAS_GRAD, tf.getBackend())) {
    const attrs = { strides: 2, pad: 'valid', dataFormat: 'NHWC', filterShape: shape }
    return tf.engine().runKernel(TRANSPOSED_FILTER_BIAS_GRAD, { x: g, dy: x }, attrs as never) as unknown as [T4, tf.Tensor1D]
  }
  return [filterGrad(g, x, shape, 2, 'valid'), tf.sum(g, [0, 1, 2])]
}

// tf.fused.* falls back to separate bias and ReLU ops while a gradient is being recorded (as in a
// customGrad forward); these layers own their gradients, so the fused kernels are called directly.
const fusedKernel = (name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>): tf.Tensor =>
  tf.engine().runKernel(name, inputs, { ...attrs, activation: 'relu' } as never) as tf.Tensor

/**
 * relu(conv2dTranspose(x, w, k2 s2) + b) as one fused matMul (bias and ReLU included) and a
 * depth-to-space: each input pixel writes its own 2×2×Cout block, so nothing overlaps. One program on
 * webgpu, which writes the blocks in place.
 */
export function upsample2x(x: T4, w: T4, b: tf.Tensor1D): T4 {
  if (tf.getKernel(UPSAMPLE_2X_RELU, tf.getBackend())) return tf.engine().runKernel(UPSAMPLE_2X_RELU, { x, w, b }) as T4
  const [n, h, wd, cin] = x.shape
  const cout = w.shape[2]
  const wm = tf.reshape(tf.transpose(w, [3, 0, 1, 2]), [cin, 4 * cout])
  const a = tf.reshape(x, [1, n * h * wd, cin])
  const cols = fusedKernel('_FusedMatMul', { a, b: tf.reshape(wm, [1, cin, 4 * cout]), bias: tf.tile(b, [4]) }, { transposeA: false, transposeB: false })
  const blocks = tf.transpose(tf.reshape(cols, [n, h, wd, 2, 2, cout]), [0, 1, 3, 2, 4, 5])
  return tf.reshape(blocks, [n, 2 * h, 2 * wd, cout])
}

interface ConvReluArgs {
  filters: number
  name?: string
  trainable?: boolean
  /** false where the layer reads the model's input (see convReluWith); saved with the model. */
  inputGradient?: boolean
}

abstract class FusedReluLayer extends tf.layers.Layer {
  protected kernel: tf.LayerVariable | null = null
  protected bias: tf.LayerVariable | null = null
  readonly filters: number

  constructor(args: ConvReluArgs) {
    super(args)
    this.filters = args.filters
  }

  protected abstract kernelShape(inChannels: number): number[]

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape
    const inCh = shape[shape.length - 1]!
    this.kernel = this.addWeight('kernel', this.kernelShape(inCh), 'float32', tf.initializers.glorotUniform({}))
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros())
    this.built = true
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters }
  }
}

/** 3×3 'same' conv + ReLU. */
export class ConvRelu extends FusedReluLayer {
  static readonly className = 'UnetConvRelu'
  readonly inputGradient: boolean

  constructor(args: ConvReluArgs) {
    super(args)
    this.inputGradient = args.inputGradient ?? true
  }

  override getConfig(): tf.serialization.ConfigDict {
    // Only when false, so that other layers' saved configs stay as they were.
    return this.inputGradient ? super.getConfig() : { ...super.getConfig(), inputGradient: false }
  }

  protected kernelShape(inCh: number): number[] {
    return [3, 3, inCh, this.filters]
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const shape = s as tf.Shape
    return [...shape.slice(0, -1), this.filters]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as T4
    return (this.inputGradient ? convRelu : convReluOnInput)(x, this.kernel!.read() as T4, this.bias!.read() as tf.Tensor1D)
  }
}

/** Transposed conv k2 s2 + ReLU (doubles height and width). */
export class UpConvRelu extends FusedReluLayer {
  static readonly className = 'UnetUpConvRelu'

  protected kernelShape(inCh: number): number[] {
    return [2, 2, this.filters, inCh]
  }

  override computeOutputShape(s: tf.Shape | tf.Shape[]): tf.Shape {
    const [n, h, w] = s as tf.Shape
    return [n ?? null, h == null ? null : h * 2, w == null ? null : w * 2, this.filters]
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as T4
    return upConvRelu(x, this.kernel!.read() as T4, this.bias!.read() as tf.Tensor1D)
  }
}

tf.serialization.registerClass(ConvRelu)
tf.serialization.registerClass(UpConvRelu)
