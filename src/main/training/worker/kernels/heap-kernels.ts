// Plain-JS kernels working directly on the wasm heap, for ops whose wasm kernels are single-threaded
// and slow on big tensors (per-element index math or a transpose first). Each handles the one
// case training needs and returns null otherwise, so register-wasm.ts falls back to wasm's own kernel.
import { backend_util, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs'

/**
 * The parts of tfjs-backend-wasm's BackendWasm these kernels use (its own JS kernels use the same).
 * makeOutput allocates on the heap and may grow it: a kernel takes its views after its last makeOutput.
 */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo
  typedArrayFromHeap(t: TensorInfo): Float32Array
  incRef(dataId: object): void
}

type Inputs = Record<string, TensorInfo | undefined>
const isF32 = (t: TensorInfo | undefined): t is TensorInfo => t !== undefined && t.dtype === 'float32'

/**
 * MaxPoolGrad for 2×2 stride-2 'valid' windows that tile the input (the U-Net's pools): each input
 * cell belongs to one window, so dx is dy at the window's first maximum (row-major, as the cpu kernel
 * picks it) and 0 elsewhere. wasm's kernel took ~0.4 s per 128×128 batch-32 layer; this ~30 ms.
 */
export function maxPoolGrad2x2(inputs: Inputs, attrs: NamedAttrMap, b: HeapBackend): TensorInfo | null {
  const { dy, input } = inputs
  if (!isF32(dy) || !isF32(input) || input.shape.length !== 4) return null
  const [n, h, w, c] = input.shape as [number, number, number, number]
  const info = backend_util.computePool2DInfo(
    [n, h, w, c], attrs.filterSize as [number, number], attrs.strides as [number, number], 1,
    attrs.pad as 'valid', attrs.dimRoundingMode as 'floor' | undefined,
  )
  const tiles = info.padInfo.top === 0 && info.padInfo.left === 0 && info.outHeight * 2 === h && info.outWidth * 2 === w
  if (info.filterHeight !== 2 || info.filterWidth !== 2 || info.strideHeight !== 2 || info.strideWidth !== 2 || !tiles) return null
  const out = b.makeOutput([n, h, w, c], 'float32')
  const x = b.typedArrayFromHeap(input)
  const g = b.typedArrayFromHeap(dy)
  const dx = b.typedArrayFromHeap(out)
  const oh = h / 2
  const ow = w / 2
  const row = w * c
  let gi = 0
  for (let q = 0; q < n * oh; q++) {
    for (let j = 0; j < ow; j++) {
      const p0 = q * 2 * row + j * 2 * c
      for (let ch = 0; ch < c; ch++, gi++) {
        const i0 = p0 + ch
        const i1 = i0 + c
        const i2 = i0 + row
        const i3 = i2 + c
        let best = i0
        let m = x[i0]!
        if (x[i1]! > m) { m = x[i1]!; best = i1 }
        if (x[i2]! > m) { m = x[i2]!; best = i2 }
        if (x[i3]! > m) best = i3
        dx[i0] = 0
        dx[i1] = 0
        dx[i2] = 0
        dx[i3] = 0
        dx[best] = g[gi]!
      }
    }
  }
  return out
}

/**
 * SplitV along any axis as block copies: the decoder concat's gradient (last axis) and the filter
 * gradient's dy chunks (axis 0, one memcpy each). wasm's kernel goes through its slow Slice.
 */
export function splitAxis(inputs: Inputs, attrs: NamedAttrMap, b: HeapBackend): TensorInfo[] | null {
  const x = inputs.x
  if (!isF32(x) || x.shape.length < 1) return null
  const rank = x.shape.length
  const axis = (attrs.axis as number) < 0 ? (attrs.axis as number) + rank : (attrs.axis as number)
  const sizes = backend_util.prepareSplitSize(x as never, attrs.numOrSizeSplits as number | number[], axis) as number[]
  const outer = x.shape.slice(0, axis).reduce((a, d) => a * d, 1)
  const inner = x.shape.slice(axis + 1).reduce((a, d) => a * d, 1)
  const rowLen = x.shape[axis]! * inner
  // Every output first: an allocation can grow the heap, which with one thread detaches every view
  // taken before it.
  const outs = sizes.map((s) => b.makeOutput(x.shape.map((d, i) => (i === axis ? s : d)), 'float32'))
  const src = b.typedArrayFromHeap(x)
  let off = 0
  for (const out of outs) {
    const dst = b.typedArrayFromHeap(out)
    const len = (out.shape[axis] as number) * inner
    if (len >= 16) {
      for (let r = 0; r < outer; r++) dst.set(src.subarray(r * rowLen + off, r * rowLen + off + len), r * len)
    } else {
      for (let r = 0, di = 0; r < outer; r++) for (let k = 0, si = r * rowLen + off; k < len; k++) dst[di++] = src[si++]!
    }
    off += len
  }
  return outs
}

/**
 * Sum over leading axes [0..k) of a float32 tensor (bias gradients, the Dice loss's per-class sums).
 * wasm transposes the reduced axes last first, a full copy of a large activation; this reads x once.
 */
export function sumLeadingAxes(inputs: Inputs, attrs: NamedAttrMap, b: HeapBackend): TensorInfo | null {
  const x = inputs.x
  if (!isF32(x) || x.shape.length < 2) return null
  const rank = x.shape.length
  const raw = attrs.axis as number | number[]
  const axes = [...new Set((Array.isArray(raw) ? raw : [raw]).map((a) => (a < 0 ? a + rank : a)))].sort((p, q) => p - q)
  const k = axes.length
  if (k === 0 || k === rank || axes.some((a, i) => a !== i)) return null
  const inner = x.shape.slice(k).reduce((a, d) => a * d, 1)
  const rows = x.shape.slice(0, k).reduce((a, d) => a * d, 1)
  const shape = attrs.keepDims ? [...x.shape.slice(0, k).map(() => 1), ...x.shape.slice(k)] : x.shape.slice(k)
  const src = b.typedArrayFromHeap(x)
  // float64 accumulators: half a million float32 additions per channel would lose digits otherwise.
  const acc = new Float64Array(inner)
  for (let r = 0, si = 0; r < rows; r++) for (let j = 0; j < inner; j++) acc[j]! += src[si++]!
  const out = b.makeOutput(shape, 'float32')
  b.typedArrayFromHeap(out).set(acc)
  return out
}

/** Name of the kernel below; registered for wasm only (reluGrad in conv2d-backprop-filter.ts calls it). */
export const RELU_GRAD = 'UnetReluGrad'

/** dy where the ReLU's output y is positive, else 0: one pass instead of Step, then Multiply. */
export function reluGradKernel(inputs: Inputs, b: HeapBackend): TensorInfo {
  const { dy, y } = inputs
  if (!isF32(dy) || !isF32(y) || dy.shape.join() !== y.shape.join()) throw new Error(`${RELU_GRAD} needs two float32 tensors of one shape`)
  const out = b.makeOutput(dy.shape, 'float32')
  const g = b.typedArrayFromHeap(dy)
  const v = b.typedArrayFromHeap(y)
  const dx = b.typedArrayFromHeap(out)
  // Multiplying by the comparison avoids a branch the CPU mispredicts half the time (3× faster), and
  // gives what step(y)·dy gives for ±0, ±∞ and NaN in dy.
  for (let i = 0, len = dx.length; i < len; i++) dx[i] = g[i]! * +(v[i]! > 0)
  return out
}

/** Identity without the copy wasm makes: tensors are immutable, so the output can share x's buffer. */
export function sharedIdentity(inputs: Inputs, b: HeapBackend): TensorInfo | null {
  const x = inputs.x
  if (!x || x.dtype === 'string') return null
  b.incRef(x.dataId)
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
}

/** Name of the kernel below; registered for wasm only (the filter-gradient composite calls it). */
export const PATCH_ROWS = 'UnetPatchRows'

/**
 * The patches a conv reads, as rows: x [N,H,W,C] → [kh·kw·C, (q1−q0)·ow] where row (a,b,c), column
 * (n,i,j) holds x[n, i·sh+a−top, j·sw+b−left, c] (0 outside x), for the output rows q = n·oh+i in
 * [q0, q1). Then the filter gradient is a matMul with dy's matching rows. With `ones`, one more row of
 * 1s makes the same matMul give the bias gradient (Σ dy) as its last row. Written row-run by row-run
 * so stores are sequential; wasm's 6-D transpose for the disjoint-patch case was ~30× slower.
 * (Transposing each input row to channel-major first, so runs read in order, measured no faster.)
 */
export function patchRows(inputs: Inputs, attrs: NamedAttrMap, b: HeapBackend): TensorInfo {
  const x = inputs.x
  if (!isF32(x) || x.shape.length !== 4) throw new Error(`${PATCH_ROWS} needs a float32 [N,H,W,C] tensor`)
  const [n, h, w, c] = x.shape as [number, number, number, number]
  const [kh, kw, sh, sw, top, left, oh, ow] = attrs.geometry as number[] as [number, number, number, number, number, number, number, number]
  const q0 = (attrs.q0 as number | undefined) ?? 0
  const q1 = (attrs.q1 as number | undefined) ?? n * oh
  const m = (q1 - q0) * ow
  const out = b.makeOutput([kh * kw * c + (attrs.ones ? 1 : 0), m], 'float32')
  const src = b.typedArrayFromHeap(x)
  const dst = b.typedArrayFromHeap(out)
  if (attrs.ones) dst.fill(1, kh * kw * c * m)
  for (let q = q0; q < q1; q++) {
    const img = Math.floor(q / oh)
    const i = q - img * oh
    const col = (q - q0) * ow
    for (let a = 0; a < kh; a++) {
      const r = i * sh + a - top
      const rowOk = r >= 0 && r < h
      const rowBase = ((img * h + r) * w) * c
      for (let bb = 0; bb < kw; bb++) {
        // Output columns j whose input column j·sw+bb−left lies inside x.
        const j0 = Math.max(0, Math.ceil((left - bb) / sw))
        const j1 = Math.min(ow, Math.floor((w - 1 + left - bb) / sw) + 1)
        for (let ch = 0; ch < c; ch++) {
          const d0 = ((a * kw + bb) * c + ch) * m + col
          if (!rowOk || j1 <= j0) {
            dst.fill(0, d0, d0 + ow)
            continue
          }
          for (let j = 0; j < j0; j++) dst[d0 + j] = 0
          const step = sw * c
          for (let j = j0, si = rowBase + (j0 * sw + bb - left) * c + ch; j < j1; j++, si += step) dst[d0 + j] = src[si]!
          for (let j = j1; j < ow; j++) dst[d0 + j] = 0
        }
      }
    }
  }
  return out
}
