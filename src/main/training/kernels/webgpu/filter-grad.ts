// Conv2DBackpropFilter (and the bias gradient with it) for tfjs's webgpu backend: tfjs's own kernel
// gives each output element one thread that walks all of N·H·W, which left an H200 97 % idle.
import type { Conv2DBackpropFilterAttrs, TensorInfo } from '@tensorflow/tfjs'
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu'
import { convGeometry } from '../conv-geometry'
import { FilterGradPartialProgram, SumSlicesProgram, TILE } from './filter-grad-programs'

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
  /** Also return Σ dy over N·H·W (the conv's bias gradient) from the same pass. */
  withBias: boolean
  target?: number
  minSlice?: number
}

/** dW [kh, kw, Cin, Cout] (and db [Cout]) of an NHWC conv with output gradient dy. */
export function filterGradWebgpu(
  x: TensorInfo,
  dy: TensorInfo,
  attrs: Pick<Conv2DBackpropFilterAttrs, 'strides' | 'pad' | 'filterShape' | 'dimRoundingMode'>,
  backend: WebGPUBackend,
  opts: FilterGradOptions,
): TensorInfo[] {
  const filterShape = attrs.filterShape as [number, number, number, number]
  const [kh, kw, cin, cout] = filterShape
  const { info, pad } = convGeometry(x.shape as never, filterShape, attrs.strides, attrs.pad, attrs.dimRoundingMode)
  const [n, oh, ow, dyC] = dy.shape
  if (oh !== info.outHeight || ow !== info.outWidth || dyC !== cout || x.shape[3] !== cin) {
    throw new Error(`filter gradient: dy ${dy.shape.join('×')} does not match x ${x.shape.join('×')} and filter ${filterShape.join('×')}`)
  }
  const patchRows = kh * kw * cin
  const rows = patchRows + (opts.withBias ? 1 : 0)
  const plan = planSlices(n! * oh * ow, rows, cout, opts.target, opts.minSlice)
  const uniforms = [
    { type: 'int32', data: [kh, kw, info.strideHeight, info.strideWidth] },
    { type: 'int32', data: [pad.top, pad.left] },
    { type: 'int32', data: [plan.kPerSlice] },
    { type: 'int32', data: [plan.tilesM] },
    { type: 'int32', data: [plan.tilesN] },
    { type: 'int32', data: [opts.withBias ? 1 : 0] },
  ]
  const partials = backend.runWebGPUProgram(new FilterGradPartialProgram(plan.slices, rows, cout), [x, dy], 'float32', uniforms as never)
  const out = [backend.runWebGPUProgram(new SumSlicesProgram(filterShape), [partials], 'float32', [{ type: 'int32', data: [0] }] as never)]
  if (opts.withBias) {
    out.push(backend.runWebGPUProgram(new SumSlicesProgram([cout]), [partials], 'float32', [{ type: 'int32', data: [patchRows] }] as never))
  }
  // Released once the queued passes that read it have run.
  backend.disposeData(partials.dataId)
  return out
}
