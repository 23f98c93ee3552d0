// Conv2DBackpropFilter for wasm (which has no such kernel): XNNPACK matMuls over the conv's patches,
// or, for inputs too large to copy kh·kw times, a 'valid' dilated conv of x with dy as the filter.
import * as tf from '@tensorflow/tfjs'
import type { Conv2DBackpropFilterAttrs } from '@tensorflow/tfjs'
import { convGeometry } from './conv-geometry'
import { PATCH_ROWS, RELU_GRAD } from './heap-kernels'
import { FILTER_BIAS_GRAD } from './webgpu/kernel-names'

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
  chunkFloats = CHUNK_FLOATS,
): tf.Tensor4D {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter composite supports NHWC only')
  const [kh, kw] = attrs.filterShape
  const { info, pad } = convGeometry(x.shape, attrs.filterShape, attrs.strides, attrs.pad, attrs.dimRoundingMode)
  // Patches are built a chunk at a time; a chunk too big for the heap (very wide images) takes the dilated conv.
  if (chunkPatchElements(dy.shape, attrs.filterShape, chunkFloats) <= maxPatchElements) return patchMatMul(x, dy, attrs.filterShape, info, pad, false, chunkFloats)[0] as tf.Tensor4D
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

// A chunk's patches: 2.4M floats at most for the U-Net at 128×128 (the 3×3×256 convs); the cap keeps
// wasm's 4 GiB heap safe for rows wider than any image here.
const MAX_PATCH_ELEMENTS = 80_000_000

/** Output rows per chunk: as many as keep a chunk of dy [rows·ow, Cout] within chunkFloats, at least one. */
const rowsPerChunk = (ow: number, cout: number, chunkFloats: number): number => Math.max(1, Math.floor(chunkFloats / (cout * ow)))

function chunkPatchElements(dyShape: number[], filterShape: number[], chunkFloats: number): number {
  const [, , ow, cout] = dyShape as [number, number, number, number]
  const [kh, kw, cin] = filterShape as [number, number, number, number]
  return (kh * kw * cin + 1) * rowsPerChunk(ow, cout, chunkFloats) * ow
}

/**
 * dW as matMuls of the conv's patches as rows [kh·kw·Cin, cols] (a wasm heap kernel) times dy's
 * matching rows [cols, Cout], summed over chunks of output rows. XNNPACK repacks its right operand on
 * every call, single-threaded; packing all of dy at once (up to 16M floats) cost 2–3× the GEMM itself,
 * while ~1 MB chunks pack from cache. With `bias`, a row of 1s in the patches gives Σ dy as well.
 */
function patchMatMul(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  info: { strideHeight: number; strideWidth: number; outHeight: number; outWidth: number },
  pad: { top: number; left: number },
  bias: boolean,
  chunkFloats: number,
): tf.Tensor[] {
  const [n, oh, ow, cout] = dy.shape
  const [kh, kw, cin] = filterShape
  const geometry = [kh, kw, info.strideHeight, info.strideWidth, pad.top, pad.left, info.outHeight, info.outWidth]
  const per = rowsPerChunk(ow, cout, chunkFloats)
  const sizes: number[] = []
  for (let q = 0; q < n * oh; q += per) sizes.push(Math.min(per, n * oh - q) * ow)
  return tf.tidy(() => {
    const dyRows = tf.reshape(dy, [n * oh * ow, cout])
    const dyChunks = sizes.length > 1 ? tf.split(dyRows, sizes, 0) : [dyRows]
    let q0 = 0
    // Each chunk's patches are freed as soon as its product exists; the products ([P, Cout]) are small.
    const parts = dyChunks.map((d, i) => {
      const q1 = q0 + sizes[i]! / ow
      const rows = tf.engine().runKernel(PATCH_ROWS, { x }, { geometry, q0, q1, ones: bias } as never) as tf.Tensor2D
      const part = tf.matMul(rows, d)
      tf.dispose([rows, d])
      q0 = q1
      return part
    })
    const sum = parts.length > 1 ? tf.addN(parts) : parts[0]!
    if (!bias) return [tf.reshape(sum, filterShape)]
    const [w, b] = tf.split(sum, [kh * kw * cin, 1], 0)
    return [tf.reshape(w!, filterShape), tf.reshape(b!, [cout])]
  })
}

// Floats of dy per chunk (1 MB): small enough for XNNPACK's packing to stay in cache, large enough
// that the per-call cost is noise (measured best at 0.5–2 MB on 2 threads, worse above 4 MB).
const CHUNK_FLOATS = 262_144

/**
 * Filter and bias gradients of a conv whose output gradient is dy, in one pass over the patches on
 * wasm; elsewhere the backend's Conv2DBackpropFilter and a sum.
 */
export function convFilterBiasGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: number,
  pad: 'same' | 'valid',
  chunkFloats = CHUNK_FLOATS,
): [tf.Tensor4D, tf.Tensor1D] {
  const attrs = { strides, pad, dataFormat: 'NHWC', filterShape } as unknown as Conv2DBackpropFilterAttrs
  const { info, pad: p } = convGeometry(x.shape, filterShape, strides, pad)
  if (tf.getBackend() === 'wasm' && tf.getKernel(PATCH_ROWS, 'wasm') && chunkPatchElements(dy.shape, filterShape, chunkFloats) <= MAX_PATCH_ELEMENTS) {
    return patchMatMul(x, dy, filterShape, info, p, true, chunkFloats) as [tf.Tensor4D, tf.Tensor1D]
  }
  // A backend with a fused kernel (webgpu: kernels/webgpu) reads dy once for both gradients.
  if (tf.getKernel(FILTER_BIAS_GRAD, tf.getBackend())) {
    return tf.engine().runKernel(FILTER_BIAS_GRAD, { x, dy }, attrs as never) as unknown as [tf.Tensor4D, tf.Tensor1D]
  }
  const w = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor4D
  return [w, tf.sum(dy, [0, 1, 2])]
}

/** The gradient through a ReLU whose output was y: dy where y > 0, else 0 (one heap pass on wasm). */
export function reluGrad<T extends tf.Tensor>(dy: T, y: T): T {
  if (tf.getBackend() === 'wasm' && tf.getKernel(RELU_GRAD, 'wasm')) return tf.engine().runKernel(RELU_GRAD, { dy, y }) as T
  return tf.tidy(() => tf.mul(dy, tf.step(y)))
}
