// WGSL programs for backward ops that tfjs-webgpu runs in several passes: the gradient through a ReLU
// (Step, then Multiply), a 2×2 stride-2 max-pool's gradient (positions, then a scatter) and a softmax's.
import { FlatProgram } from './flat-program'

const elements = (shape: number[]): number => shape.reduce((a, b) => a * b, 1)

/** dx = dy where the ReLU's output y is positive, else 0, in one pass. */
export class ReluGradProgram extends FlatProgram {
  variableNames = ['dy', 'y']
  shaderKey = 'unetReluGrad'

  getUserCode(): string {
    // A product rather than select(): a NaN or ∞ in dy stays NaN where y ≤ 0, as Step·dy gives it on cpu.
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          result[index] = dy[index] * f32(y[index] > 0.0);
        }
      }
    `
  }
}

/**
 * MaxPoolGrad for 2×2 stride-2 windows that tile x: one thread per window writes its four cells, dy at
 * the window's first maximum in row-major order (the cell the cpu kernel picks) and 0 at the others.
 */
export class MaxPoolGrad2x2Program extends FlatProgram {
  variableNames = ['dy', 'x']
  shaderKey = 'unetMaxPoolGrad2x2'

  /** xShape: [N, H, W, C] with H and W even: a thread per window. */
  constructor(xShape: number[]) {
    super(xShape, elements(xShape) / 4)
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let c = uniforms.dyShape.w;
        let ow = uniforms.dyShape.z;
        let windows = uniforms.dyShape.x * uniforms.dyShape.y * ow * c;
        if (index >= windows) { return; }
        let ch = index % c;
        let j = (index / c) % ow;
        let q = index / (c * ow);
        let row = uniforms.xShape.z * c;
        let i0 = q * 2 * row + j * 2 * c + ch;
        let cells = array<i32, 4>(i0, i0 + c, i0 + row, i0 + row + c);
        var best = 0;
        var m = x[i0];
        for (var t = 1; t < 4; t = t + 1) {
          let v = x[cells[t]];
          if (v > m) { m = v; best = t; }
        }
        let g = dy[index];
        for (var t = 0; t < 4; t = t + 1) {
          result[cells[t]] = select(0.0, g, t == best);
        }
      }
    `
  }
}

/**
 * The gradient of a softmax over the last axis, dx = dy·y − (Σ dy·y)·y as tfjs's gradient orders it,
 * one thread per row: one pass where tfjs's takes four (two products, a sum, a difference).
 */
export class SoftmaxGradProgram extends FlatProgram {
  variableNames = ['dy', 'y']
  shaderKey = 'unetSoftmaxGrad'

  constructor(shape: number[]) {
    super(shape, elements(shape) / shape[shape.length - 1]!)
  }

  getUserCode(): string {
    const rank = this.outputShape.length
    const last = rank === 1 ? 'uniforms.yShape' : `uniforms.yShape[${rank - 1}]`
    return `
      fn main(index : i32) {
        let c = ${last};
        let rows = uniforms.size / c;
        if (index >= rows) { return; }
        var s = 0.0;
        for (var k = 0; k < c; k = k + 1) { s = s + dy[index * c + k] * y[index * c + k]; }
        for (var k = 0; k < c; k = k + 1) {
          let at = index * c + k;
          result[at] = dy[at] * y[at] - s * y[at];
        }
      }
    `
  }
}
