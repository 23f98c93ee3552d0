// Conv2DBackpropInput (the input gradient, and the forward pass of transposed convs) for wasm, whose
// native kernel runs at 1–2 GFLOP/s: rebuilt from XNNPACK conv2d and matMul, which are ~10× faster.
import * as tf from '@tensorflow/tfjs'
import type { Conv2DBackpropInputAttrs } from '@tensorflow/tfjs'
import { convGeometry } from './conv-geometry'

type Shape4 = [number, number, number, number]

export function conv2dBackpropInputComposite(dy: tf.Tensor4D, filter: tf.Tensor4D, attrs: Conv2DBackpropInputAttrs): tf.Tensor4D {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropInput composite supports NHWC only')
  const xShape = attrs.inputShape as Shape4
  const { info, pad } = convGeometry(xShape, filter.shape, attrs.strides, attrs.pad, attrs.dimRoundingMode)
  const [kh, kw] = filter.shape
  const sh = info.strideHeight
  const sw = info.strideWidth
  const noPad = pad.top === 0 && pad.left === 0
  // A k×k stride-k conv reads disjoint patches, so its transpose is one matMul + depth-to-space.
  if (kh === sh && kw === sw && noPad && info.outHeight * sh === xShape[1] && info.outWidth * sw === xShape[2]) {
    return depthToSpaceMatMul(dy, filter, xShape)
  }
  return tf.tidy(() => dilatedFlippedConv(dy, filter, xShape, sh, sw, pad))
}

/**
 * dx[n, i·s+a, j·s+b, ci] = Σ_co dy[n,i,j,co] · w[a,b,ci,co]: a [N·oh·ow, Cout] × [Cout, kh·kw·Cin]
 * product, then each row's kh×kw×Cin block is moved to its place (a reshape/transpose, which on wasm
 * is far faster than the DepthToSpace kernel).
 */
function depthToSpaceMatMul(dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: Shape4): tf.Tensor4D {
  const [n, oh, ow, cout] = dy.shape
  const [kh, kw, cin] = filter.shape
  return tf.tidy(() => {
    const w = tf.reshape(tf.transpose(filter, [3, 0, 1, 2]), [cout, kh * kw * cin])
    const cols = tf.matMul(tf.reshape(dy, [n * oh * ow, cout]), w)
    const blocks = tf.reshape(cols, [n, oh, ow, kh, kw, cin])
    return tf.reshape(tf.transpose(blocks, [0, 1, 3, 2, 4, 5]), xShape)
  })
}

/**
 * General case: dx[i] = Σ_k dy[(i + padTop − k)/s] · w[k] over the k where that index is whole. With
 * (s−1) zeros inserted between dy's rows/cols and (k−1−padTop) rows of zeros before, this is a
 * stride-1 'valid' conv with the filter flipped in both spatial axes and its in/out channels swapped.
 */
function dilatedFlippedConv(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: Shape4,
  sh: number,
  sw: number,
  pad: { top: number; left: number },
): tf.Tensor4D {
  const [kh, kw] = filter.shape
  const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D
  // Stride 1 with centred padding (every 'same' conv of odd size): XNNPACK pads itself, no copy of dy.
  const centred = pad.top * 2 === kh - 1 && pad.left * 2 === kw - 1 && kh % 2 === 1 && kw % 2 === 1
  if (sh === 1 && sw === 1 && centred && dy.shape[1] === xShape[1] && dy.shape[2] === xShape[2]) return tf.conv2d(dy, flipped, 1, 'same')
  const dyd = sh > 1 || sw > 1 ? insertZeros(dy, sh, sw) : dy
  const top = kh - 1 - pad.top
  const left = kw - 1 - pad.left
  // The padded dy must be H + kh − 1 rows tall for a 'valid' conv to give H rows.
  const bottom = xShape[1] + kh - 1 - dyd.shape[1] - top
  const right = xShape[2] + kw - 1 - dyd.shape[2] - left
  const padded = padOrCrop(dyd, top, bottom, left, right)
  return tf.conv2d(padded, flipped, 1, 'valid')
}

/** [N,h,w,C] → [N,(h−1)·sh+1,(w−1)·sw+1,C] with zeros between the original rows and columns. */
function insertZeros(t: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  const [n, h, w, c] = t.shape
  const spread = tf.pad(tf.reshape(t, [n, h, 1, w, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]])
  const full = tf.reshape(spread, [n, h * sh, w * sw, c])
  return tf.slice(full, [0, 0, 0, 0], [n, (h - 1) * sh + 1, (w - 1) * sw + 1, c]) as tf.Tensor4D
}

// Negative amounts happen when the forward conv skipped trailing rows; those rows get no gradient
// from the padding side, so cropping is the right answer there.
function padOrCrop(t: tf.Tensor4D, top: number, bottom: number, left: number, right: number): tf.Tensor4D {
  let out = t
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    out = tf.pad(out, [[0, 0], [Math.max(top, 0), Math.max(bottom, 0)], [Math.max(left, 0), Math.max(right, 0)], [0, 0]])
  }
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const begin = [0, Math.max(-top, 0), Math.max(-left, 0), 0]
    const size = [-1, out.shape[1] - begin[1]! - Math.max(-bottom, 0), out.shape[2] - begin[2]! - Math.max(-right, 0), -1]
    out = tf.slice(out, begin, size)
  }
  return out
}
