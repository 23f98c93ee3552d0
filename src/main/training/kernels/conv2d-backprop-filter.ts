// Conv2DBackpropFilter for wasm (which has no such kernel), built from wasm's fast XNNPACK conv2d:
// the filter gradient is a 'valid' conv of x (batch and channels swapped) with dy as the filter.
import * as tf from '@tensorflow/tfjs'
import type { Conv2DBackpropFilterAttrs, KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs'
import { convGeometry } from './conv-geometry'

/**
 * dW[a,b,ci,co] = Σ_{n,i,j} xpad[n, i·s+a, j·s+b, ci] · dy[n,i,j,co]. Read with x transposed to
 * [Cin,H,W,N] as the "batch" and dy transposed to [oh,ow,N,Cout] as the "filter", this is a 'valid'
 * conv with dilation = the forward stride, whose output [Cin,kh,kw,Cout] is dW up to a transpose.
 */
export function conv2dBackpropFilterComposite(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: Conv2DBackpropFilterAttrs): tf.Tensor4D {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter composite supports NHWC only')
  const [kh, kw] = attrs.filterShape
  const { info, pad } = convGeometry(x.shape, attrs.filterShape, attrs.strides, attrs.pad, attrs.dimRoundingMode)
  if (kh === 1 && kw === 1 && info.strideHeight === 1 && info.strideWidth === 1) return pointwise(x, dy)
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

/**
 * 1×1 stride-1 (the segmentation head): dW = Xᵀ·dY over all pixels, as one matMul. wasm's matMul is only
 * fast without transpose flags, so the operand with fewer channels is transposed explicitly.
 */
function pointwise(x: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, cin] = x.shape
  const cout = dy.shape[3]
  return tf.tidy(() => {
    const x2 = tf.reshape(x, [n * h * w, cin])
    const d2 = tf.reshape(dy, [n * h * w, cout])
    const dw = cin <= cout ? tf.matMul(tf.transpose(x2), d2) : tf.transpose(tf.matMul(tf.transpose(d2), x2))
    return tf.reshape(dw, [1, 1, cin, cout])
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
