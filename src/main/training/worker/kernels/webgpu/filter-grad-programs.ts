// WGSL programs for a conv's filter (and bias) gradient on tfjs's webgpu backend: a split-K GEMM of the
// conv's patches (gathered from x on the fly) with dy, then a sum of the slices' partial products.
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu'
import { FlatProgram } from './flat-program'
import { LOADS, THREADS, TILE, TILE_PRODUCT, tileDeclarations } from './tile-gemm'


/** Which bias gradient the partial products carry besides the filter's. */
export const BiasMode = {
  None: 0,
  /** A conv's: a last row p = P whose patch is all ones, giving Σ dy per output channel. */
  OnesRow: 1,
  /** A transposed conv's (x and dy swapped): a last column of ones, giving Σ patch per patch element. */
  OnesColumn: 2,
} as const

/**
 * partials[s, p, co] = Σ_{k in slice s} patch[p, k] · dy[k, co], k = (n, i, j) over N·oh·ow, p =
 * (a, b, ci) over kh·kw·Cin, plus the ones row or column of `BiasMode`.
 * Shapes, geometry and the slice length are uniforms, so one pipeline serves every layer and batch.
 */
export class FilterGradPartialProgram implements WebGPUProgram {
  variableNames = ['x', 'dy']
  uniforms = 'geom : vec4<i32>, pad : vec2<i32>, kPerSlice : i32, tilesM : i32, tilesN : i32, bias : i32,'
  workgroupSize: [number, number, number] = [THREADS * THREADS, 1, 1]
  outputShape: number[]
  dispatchLayout = { x: [0, 1, 2] }
  dispatch: [number, number, number]
  shaderKey = 'unetFilterGradPartial'

  /** outputShape: [slices, rows, cols]; one workgroup per tile per slice. */
  constructor(slices: number, rows: number, cols: number) {
    this.outputShape = [slices, rows, cols]
    this.dispatch = [slices * Math.ceil(rows / TILE) * Math.ceil(cols / TILE), 1, 1]
  }

  getUserCode(): string {
    return `
      ${tileDeclarations()}
      ${PATCH_SNIPPET}
      fn main(index : i32) {
        // reshapeDispatch may fold a long dispatch into 2-D: number the workgroups ourselves.
        let wg = i32(workgroupId.x + numWorkgroups.x * (workgroupId.y + numWorkgroups.y * workgroupId.z));
        let tileN = wg % uniforms.tilesN;
        let tileM = (wg / uniforms.tilesN) % uniforms.tilesM;
        let slice = wg / (uniforms.tilesN * uniforms.tilesM);
        let rows = uniforms.outShape.y;
        let cols = uniforms.outShape.z;
        let cout = uniforms.dyShape.w;
        let kStart = slice * uniforms.kPerSlice;
        let kEnd = min(kStart + uniforms.kPerSlice, uniforms.dyShape.x * uniforms.dyShape.y * uniforms.dyShape.z);
        let li = i32(localIndex);
        // This thread stages row li % ${TILE} of both tiles (a patch element, an output channel).
        let lane = li % ${TILE};
        let p = tileM * ${TILE} + lane;
        let onesRow = uniforms.bias == ${BiasMode.OnesRow} && p == rows - 1;
        let patchRow = p < rows && !onesRow;
        let co = tileN * ${TILE} + lane;
        let onesCol = uniforms.bias == ${BiasMode.OnesColumn} && co == cout;
        let tr = li / ${THREADS};
        let tc = li % ${THREADS};
        var acc : array<array<f32, 4>, 4>;
        // A loop bound that is uniform across the workgroup keeps the barriers valid WGSL.
        for (var step = 0; step < uniforms.kPerSlice; step = step + ${TILE}) {
          for (var t = 0; t < ${LOADS}; t = t + 1) {
            let kk = li / ${TILE} + t * ${(THREADS * THREADS) / TILE};
            let k = kStart + step + kk;
            var av = 0.0;
            var bv = 0.0;
            if (k < kEnd) {
              if (patchRow) { av = patchValue(p, k); } else if (onesRow) { av = 1.0; }
              if (co < cout) { bv = dy[k * cout + co]; } else if (onesCol) { bv = 1.0; }
            }
            tileA[kk][lane] = av;
            tileB[kk][lane] = bv;
          }
          workgroupBarrier();
          ${TILE_PRODUCT}
          workgroupBarrier();
        }
        if (slice < uniforms.outShape.x) {
          for (var r = 0; r < 4; r = r + 1) {
            let row = tileM * ${TILE} + tr + ${THREADS} * r;
            for (var c = 0; c < 4; c = c + 1) {
              let col = tileN * ${TILE} + tc + ${THREADS} * c;
              if (row < rows && col < cols) { result[(slice * rows + row) * cols + col] = acc[r][c]; }
            }
          }
        }
      }
    `
  }
}

// x at patch element p = (a, b, ci) of output position k = (n, i, j): the input pixel the forward
// conv multiplied by filter tap (a, b), or 0 in its padding.
const PATCH_SNIPPET = `
  fn patchValue(p : i32, k : i32) -> f32 {
    let cin = uniforms.xShape.w;
    let ci = p % cin;
    let b = (p / cin) % uniforms.geom.y;
    let a = p / (cin * uniforms.geom.y);
    let j = k % uniforms.dyShape.z;
    let q = k / uniforms.dyShape.z;
    let i = q % uniforms.dyShape.y;
    let n = q / uniforms.dyShape.y;
    let row = i * uniforms.geom.z + a - uniforms.pad.x;
    let col = j * uniforms.geom.w + b - uniforms.pad.y;
    if (row < 0 || row >= uniforms.xShape.y || col < 0 || col >= uniforms.xShape.z) { return 0.0; }
    return x[((n * uniforms.xShape.y + row) * uniforms.xShape.z + col) * cin + ci];
  }
`

/**
 * out[i] = Σ_s Σ_{t < taps} partials[s, rowOffset + t·tapStride + i / outCols, colOffset + i % outCols]:
 * the filter rows (as [kh, kw, Cin, Cout], the same order), a conv's bias row, or a transposed conv's
 * bias column summed over its kh·kw taps, read straight from the partials so none needs a slice.
 */
export class SumSlicesProgram extends FlatProgram {
  variableNames = ['partials']
  uniforms = 'rowOffset : i32, colOffset : i32, outCols : i32, taps : i32, tapStride : i32,'
  shaderKey = 'unetSumSlices'

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let cols = uniforms.partialsShape.z;
          let plane = uniforms.partialsShape.y * cols;
          let at = (uniforms.rowOffset + index / uniforms.outCols) * cols + uniforms.colOffset + index % uniforms.outCols;
          var sum = 0.0;
          for (var s = 0; s < uniforms.partialsShape.x; s = s + 1) {
            for (var t = 0; t < uniforms.taps; t = t + 1) {
              sum = sum + partials[s * plane + at + t * uniforms.tapStride * cols];
            }
          }
          result[index] = sum;
        }
      }
    `
  }
}

/** SumSlicesProgram's uniforms, in its declared order. */
export function sumSlicesUniforms(u: { rowOffset?: number; colOffset?: number; outCols: number; taps?: number; tapStride?: number }): { type: string; data: number[] }[] {
  return [u.rowOffset ?? 0, u.colOffset ?? 0, u.outCols, u.taps ?? 1, u.tapStride ?? 0].map((v) => ({ type: 'int32', data: [v] }))
}
