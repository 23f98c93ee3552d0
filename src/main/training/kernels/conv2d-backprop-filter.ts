// Conv2DBackpropFilter for wasm (which has no such kernel): one XNNPACK matMul over the conv's patches,
// or, for inputs too large to copy kh·kw times, a 'valid' dilated conv of x with dy as the filter.
import * as tf from '@tensorflow/tfjs'
import type { Conv2DBackpropFilterAttrs, KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs'
import { convGeometry } from './conv-geometry'
import { PATCH_ROWS } from './heap-kernels'

/**
 * dW[a,b,ci,co] = Σ_{n,i,j} xpad[n, i·s+a, j·s+b, ci] · dy[n,i,j,co]. Read with x transposed to
 * [Cin,H,W,N] as the "batch" and dy transposed to [oh,ow,N,Cout] as the "filter", this is a 'valid'
 * conv with dilation = the forward stride, whose output [Cin,kh,kw,Cout] is dW up to a transpose.
 */
export function conv2dBackpropFilterComposite(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: Conv2DBackpropFilterAttrs,
  maxPatchElements = MAX_PATCH_ELEMENTS,
): tf.Tensor4D {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter composite supports NHWC only')
  const [kh, kw] = attrs.filterShape
  const { info, pad } = convGeometry(x.shape, attrs.filterShape, attrs.strides, attrs.pad, attrs.dimRoundingMode)
  // Patch rows cost kh·kw copies of x: fine up to the U-Net's sizes, the dilated conv beyond.
  if (x.size * kh * kw <= maxPatchElements) return patchMatMul(x, dy, attrs.filterShape, info, pad)
  return tf.tidy(() => {
    // Rows the conv actually read: (oh-1)·s + kh; 'valid' with a remainder reads fewer than H.
    const needH = (info.outHeight - 1) * info.strideHeight + kh
    const needW = (info.outWidth - 1) * info.strideWidth + kw
    let xp: tf.Tensor4D = x
    if (pad.top || pad.bottom || pad.left || pad.right) {
      xp = tf.pad(x, [[0, 0], [pad.top, pad.bottom], [pad.left, pad.right], [0, 0]])
    }
    if (xp.shape[1] !== needH || xp.shape[2] !== needW) {
      xp = tf.slice(xp, [0, 0, 0, 0], [-1, needH, needW, -1])
    }
    const xT = tf.transpose(xp, [3, 1, 2, 0])
    const dyT = tf.transpose(dy, [1, 2, 0, 3])
    const dilations: [number, number] = [info.strideHeight, info.strideWidth]
    const out = tf.conv2d(xT, dyT, 1, 'valid', 'NHWC', dilations)
    return tf.transpose(out, [1, 2, 0, 3])
  })
}

// The U-Net's largest at 128×128 batch 32 is 67M floats (268 MB, the last upsampler's 2×2 patches of
// 128×128×32); larger inputs take the dilated conv, which copies less, so wasm's 4 GiB heap holds.
const MAX_PATCH_ELEMENTS = 80_000_000

/**
 * dW as one matMul: the conv's patches as rows [kh·kw·Cin, N·oh·ow] (a wasm heap kernel) times dy
 * [N·oh·ow, Cout]. XNNPACK runs it on all threads at GEMM speed; the dilated conv below ran 1.5–2×
 * slower and needed three transposes.
 */
function patchMatMul(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  info: { strideHeight: number; strideWidth: number; outHeight: number; outWidth: number },
  pad: { top: number; left: number },
): tf.Tensor4D {
  const [n, oh, ow, cout] = dy.shape
  const [kh, kw] = filterShape
  const geometry = [kh, kw, info.strideHeight, info.strideWidth, pad.top, pad.left, info.outHeight, info.outWidth]
  return tf.tidy(() => {
    const rows = tf.engine().runKernel(PATCH_ROWS, { x }, { geometry } as never) as tf.Tensor2D
    return tf.reshape(tf.matMul(rows, tf.reshape(dy, [n * oh * ow, cout])), filterShape)
  })
}

export function backpropFilterKernel(): KernelConfig {
  return {
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs }: { inputs: NamedTensorInfoMap; attrs?: NamedAttrMap }): TensorInfo => {
      const x = inputs.x as tf.Tensor4D
      const dy = inputs.dy as tf.Tensor4D
      return conv2dBackpropFilterComposite(x, dy, attrs as unknown as Conv2DBackpropFilterAttrs)
    },
  }
}
