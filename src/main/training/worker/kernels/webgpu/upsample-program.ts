// The decoder's 2× upsampling, relu(conv2dTranspose(x, w, k2 s2) + b), as one WebGPU program: a GEMM of
// x [N·H·W, Cin] with the filter as [Cin, 2·2·Cout], bias and ReLU added as each result is written
// straight to its place in the 2H × 2W output. tfjs's ops take four programs for it (the filter and
// the output transposed around a fused matMul, and a tile of the bias).
import type { TensorInfo } from '@tensorflow/tfjs'
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu'
import { LOADS, THREADS, TILE, TILE_PRODUCT, tileDeclarations } from './tile-gemm'


/** x [N, H, W, Cin], w [2, 2, Cout, Cin], b [Cout] → [N, 2H, 2W, Cout]. */
export class Upsample2xReluProgram implements WebGPUProgram {
  variableNames = ['x', 'w', 'b']
  workgroupSize: [number, number, number] = [THREADS * THREADS, 1, 1]
  outputShape: number[]
  dispatchLayout = { x: [0, 1, 2, 3] }
  dispatch: [number, number, number]
  shaderKey = 'unetUpsample2xRelu'

  constructor(xShape: number[], cout: number) {
    const [n, h, w] = xShape as [number, number, number, number]
    this.outputShape = [n, 2 * h, 2 * w, cout]
    this.dispatch = [Math.ceil((n * h * w) / TILE) * Math.ceil((4 * cout) / TILE), 1, 1]
  }

  getUserCode(): string {
    // Tiles are staged with K (input channels, contiguous in both x and w) along the threads, so
    // neighbouring threads read neighbouring floats; the extra column keeps those writes off one bank.
    return `
      ${tileDeclarations(1)}
      fn main(index : i32) {
        let wg = i32(workgroupId.x + numWorkgroups.x * (workgroupId.y + numWorkgroups.y * workgroupId.z));
        let h = uniforms.xShape.y;
        let wd = uniforms.xShape.z;
        let cin = uniforms.xShape.w;
        let cout = uniforms.outShape.w;
        let rows = uniforms.xShape.x * h * wd;
        let cols = 4 * cout;
        let tilesN = (cols + ${TILE - 1}) / ${TILE};
        let tileN = wg % tilesN;
        let tileM = wg / tilesN;
        let li = i32(localIndex);
        let tr = li / ${THREADS};
        let tc = li % ${THREADS};
        var acc : array<array<f32, 4>, 4>;
        for (var k0 = 0; k0 < cin; k0 = k0 + ${TILE}) {
          for (var t = 0; t < ${LOADS}; t = t + 1) {
            let at = li + t * ${THREADS * THREADS};
            let kk = at % ${TILE};
            let r = at / ${TILE};
            let k = k0 + kk;
            let m = tileM * ${TILE} + r;
            let j = tileN * ${TILE} + r;
            var av = 0.0;
            var bv = 0.0;
            if (k < cin && m < rows) { av = x[m * cin + k]; }
            // w [a, b, co, ci] is [2·2·Cout, Cin] row-major: column j of the GEMM's right side is its row j.
            if (k < cin && j < cols) { bv = w[j * cin + k]; }
            tileA[kk][r] = av;
            tileB[kk][r] = bv;
          }
          workgroupBarrier();
          ${TILE_PRODUCT}
          workgroupBarrier();
        }
        for (var r = 0; r < 4; r = r + 1) {
          let m = tileM * ${TILE} + tr + ${THREADS} * r;
          if (m >= rows) { continue; }
          let jj = m % wd;
          let i = (m / wd) % h;
          let n = m / (wd * h);
          for (var c = 0; c < 4; c = c + 1) {
            let j = tileN * ${TILE} + tc + ${THREADS} * c;
            if (j >= cols) { continue; }
            let co = j % cout;
            let tap = j / cout;
            let row = 2 * i + tap / 2;
            let col = 2 * jj + tap % 2;
            result[((n * 2 * h + row) * 2 * wd + col) * cout + co] = max(acc[r][c] + b[co], 0.0);
          }
        }
      }
    `
  }
}

export function upsample2xReluWebgpu(x: TensorInfo, w: TensorInfo, b: TensorInfo, backend: WebGPUBackend): TensorInfo {
  const [kh, kw, cout, cin] = w.shape
  const ok = x.shape.length === 4 && kh === 2 && kw === 2 && cin === x.shape[3] && b.shape.length === 1 && b.shape[0] === cout
  if (!ok || [x, w, b].some((t) => t.dtype !== 'float32')) {
    throw new Error(`2× upsampling: needs float32 x [N, H, W, Cin], w [2, 2, Cout, Cin] and b [Cout], got x ${x.shape.join('×')}, w ${w.shape.join('×')}, b ${b.shape.join('×')}`)
  }
  return backend.runWebGPUProgram(new Upsample2xReluProgram(x.shape, cout!), [x, w, b], 'float32')
}
