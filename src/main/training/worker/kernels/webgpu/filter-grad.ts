// Conv2DBackpropFilter (and the bias gradient with it) for tfjs's webgpu backend: tfjs's own kernel
// gives each output element one thread that walks all of N·H·W, which left an H200 97 % idle.
import type { Conv2DBackpropFilterAttrs, TensorInfo } from '@tensorflow/tfjs'
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu'
import { convGeometry } from '../conv-geometry'
import { BiasMode, FilterGradPartialProgram, SumSlicesProgram, sumSlicesUniforms } from './filter-grad-programs'
import { TILE } from './tile-gemm'

export interface SlicePlan {
  slices: number
  /** Reduction length per slice: a multiple of TILE. */
  kPerSlice: number
  tilesM: number
  tilesN: number
}

/** Workgroups one pass aims for: enough to fill a large GPU; a starting point for tuning, not a measurement. */
export const TARGET_WORKGROUPS = 2048
/** The shortest slice worth a workgroup (8 tile steps), so small layers are not split into dust. */
export const MIN_SLICE = 256

/** How the N·oh·ow reduction is split for `rows` × `cout` outputs. */
export function planSlices(k: number, rows: number, cout: number, target = TARGET_WORKGROUPS, minSlice = MIN_SLICE): SlicePlan {
  const tilesM = Math.ceil(rows / TILE)
  const tilesN = Math.ceil(cout / TILE)
  const wanted = Math.max(1, Math.min(Math.round(target / (tilesM * tilesN)), Math.ceil(k / minSlice)))
  const kPerSlice = Math.ceil(Math.ceil(k / wanted) / TILE) * TILE
  return { slices: Math.ceil(k / kPerSlice), kPerSlice, tilesM, tilesN }
}

export interface FilterGradOptions {
  /**
   * Also return a bias gradient from the same pass: 'dy', Σ dy over N·H·W (a conv's); 'x', Σ x over
   * N·H·W (a transposed conv's, whose output gradient is this x); only when the windows tile x.
   */
  bias?: 'dy' | 'x'
  target?: number
  minSlice?: number
}

type FilterAttrs = Pick<Conv2DBackpropFilterAttrs, 'strides' | 'pad' | 'filterShape' | 'dimRoundingMode'>

/** dW [kh, kw, Cin, Cout] (and db [Cout] or [Cin]) of an NHWC conv with output gradient dy. */
export function filterGradWebgpu(x: TensorInfo, dy: TensorInfo, attrs: FilterAttrs, backend: WebGPUBackend, opts: FilterGradOptions = {}): TensorInfo[] {
  const filterShape = attrs.filterShape as [number, number, number, number]
  const [kh, kw, cin, cout] = filterShape
  const { info, pad } = convGeometry(x.shape as never, filterShape, attrs.strides, attrs.pad, attrs.dimRoundingMode)
  const [n, oh, ow, dyC] = dy.shape
  if (oh !== info.outHeight || ow !== info.outWidth || dyC !== cout || x.shape[3] !== cin) {
    throw new Error(`filter gradient: dy ${dy.shape.join('×')} does not match x ${x.shape.join('×')} and filter ${filterShape.join('×')}`)
  }
  // Σ over a patch element's column counts each x cell once only where the windows tile x exactly.
  const tiles = pad.top === 0 && pad.left === 0 && info.strideHeight === kh && info.strideWidth === kw && oh * kh === x.shape[1] && ow * kw === x.shape[2]
  if (opts.bias === 'x' && !tiles) throw new Error(`filter gradient: the bias of x needs windows that tile x, not ${kh}×${kw} stride ${info.strideHeight} over ${x.shape.join('×')}`)
  const mode = opts.bias === 'dy' ? BiasMode.OnesRow : opts.bias === 'x' ? BiasMode.OnesColumn : BiasMode.None
  const patchRows = kh * kw * cin
  const rows = patchRows + (mode === BiasMode.OnesRow ? 1 : 0)
  const cols = cout + (mode === BiasMode.OnesColumn ? 1 : 0)
  const plan = planSlices(n! * oh * ow, rows, cols, opts.target, opts.minSlice)
  const uniforms = [
    { type: 'int32', data: [kh, kw, info.strideHeight, info.strideWidth] },
    { type: 'int32', data: [pad.top, pad.left] },
    ...[plan.kPerSlice, plan.tilesM, plan.tilesN, mode].map((v) => ({ type: 'int32', data: [v] })),
  ]
  const partials = backend.runWebGPUProgram(new FilterGradPartialProgram(plan.slices, rows, cols), [x, dy], 'float32', uniforms as never)
  const sum = (shape: number[], u: Parameters<typeof sumSlicesUniforms>[0]): TensorInfo =>
    backend.runWebGPUProgram(new SumSlicesProgram(shape), [partials], 'float32', sumSlicesUniforms(u) as never)
  const out = [sum(filterShape, { outCols: cout })]
  if (mode === BiasMode.OnesRow) out.push(sum([cout], { rowOffset: patchRows, outCols: cout }))
  if (mode === BiasMode.OnesColumn) out.push(sum([cin], { colOffset: cout, outCols: 1, taps: kh * kw, tapStride: cin }))
  // Released once the queued passes that read it have run.
  backend.disposeData(partials.dataId)
  return out
}
