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
  const stride1 = info.strideHeight === 1 && info.strideWidth === 1
  if (kh === 1 && kw === 1 && stride1) return pointwise(x, dy)
  if (stride1 && x.shape[3] < SMALL_CIN) return im2colTransposed(x, dy, attrs.filterShape, pad)
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

// Below this many input channels (the RGB input layer) the dilated conv's "batch" of Cin images keeps
// XNNPACK from using its blocking well; one matMul over explicit patches was 2.7× faster there.
const SMALL_CIN = 8

/** Stride 1: patches laid out [kh·kw·Cin, N·oh·ow] (taps of x transposed once), times dy as one matMul. */
function im2colTransposed(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  pad: { top: number; bottom: number; left: number; right: number },
): tf.Tensor4D {
  const [n, oh, ow, cout] = dy.shape
  const [kh, kw, cin] = filterShape
  return tf.tidy(() => {
    const xp = tf.pad(x, [[0, 0], [pad.top, pad.bottom], [pad.left, pad.right], [0, 0]])
    const xT = tf.transpose(xp, [3, 0, 1, 2])
    const taps: tf.Tensor[] = []
    for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) taps.push(tf.slice(xT, [0, 0, a, b], [cin, n, oh, ow]))
    const cols = tf.reshape(tf.concat(taps, 0), [kh * kw * cin, n * oh * ow])
    return tf.reshape(tf.matMul(cols, tf.reshape(dy, [n * oh * ow, cout])), filterShape)
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
