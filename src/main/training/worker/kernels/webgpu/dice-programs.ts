// The Dice loss (losses/dice.ts) and its gradient on webgpu in four programs, where tfjs's ops take
// about 25 (a dozen element-wise passes over the batch forward and again backward, and their sums):
// per-class sums over N·H·W as partial sums per slice of pixels, the slices added (SumSlicesProgram),
// the loss from the sums, and the gradient per pixel from the sums.
import type { TensorInfo } from '@tensorflow/tfjs'
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu'
import { SumSlicesProgram, sumSlicesUniforms } from './filter-grad-programs'
import { FlatProgram } from './flat-program'

const THREADS = 64
/** Pixels one workgroup sums: 16 per thread. */
const SLICE = THREADS * 16
/** The trimap's classes (pet, background, border): the kernels hold their sums in registers. */
export const DICE_CLASSES = 3

/**
 * partials[s, r, c] over the pixels of slice s, with l = Σ_c y (1 where labelled): r = 0 Σ y·p·l,
 * r = 1 Σ y, r = 2 Σ p·l, as diceLoss multiplies and sums them.
 */
class DicePartialsProgram implements WebGPUProgram {
  variableNames = ['y', 'p']
  workgroupSize: [number, number, number] = [THREADS, 1, 1]
  outputShape: number[]
  dispatchLayout = { x: [0, 1, 2] }
  dispatch: [number, number, number]
  shaderKey = 'unetDicePartials'

  constructor(slices: number) {
    this.outputShape = [slices, 3, DICE_CLASSES]
    this.dispatch = [slices, 1, 1]
  }

  getUserCode(): string {
    return `
      var<workgroup> part : array<array<f32, 9>, ${THREADS}>;
      fn main(index : i32) {
        let slice = i32(workgroupId.x + numWorkgroups.x * (workgroupId.y + numWorkgroups.y * workgroupId.z));
        let li = i32(localIndex);
        let pixels = uniforms.yShape.x * uniforms.yShape.y * uniforms.yShape.z;
        let end = min((slice + 1) * ${SLICE}, pixels);
        var acc : array<f32, 9>;
        for (var q = slice * ${SLICE} + li; q < end; q = q + ${THREADS}) {
          let y0 = y[q * 3];
          let y1 = y[q * 3 + 1];
          let y2 = y[q * 3 + 2];
          let l = y0 + y1 + y2;
          let p0 = p[q * 3] * l;
          let p1 = p[q * 3 + 1] * l;
          let p2 = p[q * 3 + 2] * l;
          acc[0] = acc[0] + y0 * p0;
          acc[1] = acc[1] + y1 * p1;
          acc[2] = acc[2] + y2 * p2;
          acc[3] = acc[3] + y0;
          acc[4] = acc[4] + y1;
          acc[5] = acc[5] + y2;
          acc[6] = acc[6] + p0;
          acc[7] = acc[7] + p1;
          acc[8] = acc[8] + p2;
        }
        part[li] = acc;
        workgroupBarrier();
        for (var s = ${THREADS / 2}; s > 0; s = s / 2) {
          if (li < s) {
            for (var k = 0; k < 9; k = k + 1) { part[li][k] = part[li][k] + part[li + s][k]; }
          }
          workgroupBarrier();
        }
        if (li < 9 && slice < uniforms.outShape.x) { result[slice * 9 + li] = part[0][li]; }
      }
    `
  }
}

/** [1 − mean_c (2·I_c + ε) / (T_c + P_c + ε)] from sums [3, C] (rows I, T, P): one thread. */
class DiceLossProgram implements WebGPUProgram {
  variableNames = ['sums']
  uniforms = 'eps : f32,'
  workgroupSize: [number, number, number] = [1, 1, 1]
  outputShape = [1]
  dispatchLayout = { x: [0] }
  dispatch: [number, number, number] = [1, 1, 1]
  shaderKey = 'unetDiceLoss'

  getUserCode(): string {
    return `
      fn main(index : i32) {
        var total = 0.0;
        for (var c = 0; c < ${DICE_CLASSES}; c = c + 1) {
          let inter = sums[c];
          let den = sums[${DICE_CLASSES} + c] + sums[${2 * DICE_CLASSES} + c];
          total = total + (inter * 2.0 + uniforms.eps) / (den + uniforms.eps);
        }
        result[0] = 1.0 - total / ${DICE_CLASSES}.0;
      }
    `
  }
}

/**
 * dLoss/dp at each pixel and class, times the upstream gradient dy:
 * −dy · (l / C) · (2·y_c·D_c − (2·I_c + ε)) / D_c², with D_c = T_c + P_c + ε.
 */
class DiceGradProgram extends FlatProgram {
  variableNames = ['y', 'sums', 'dy']
  uniforms = 'eps : f32,'
  shaderKey = 'unetDiceGrad'

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index >= uniforms.size) { return; }
        let q = index / ${DICE_CLASSES};
        let c = index % ${DICE_CLASSES};
        let l = y[q * 3] + y[q * 3 + 1] + y[q * 3 + 2];
        let d = sums[${DICE_CLASSES} + c] + sums[${2 * DICE_CLASSES} + c] + uniforms.eps;
        let n = 2.0 * y[index] * d - (2.0 * sums[c] + uniforms.eps);
        result[index] = -dy[0] * (l / ${DICE_CLASSES}.0) * n / (d * d);
      }
    `
  }
}

const eps = (e: number): { type: string; data: number[] }[] => [{ type: 'float32', data: [e] }]

function checkPair(y: TensorInfo, p: TensorInfo): void {
  const same = y.shape.length === 4 && y.shape.join() === p.shape.join() && y.shape[3] === DICE_CLASSES
  if (!same || y.dtype !== 'float32' || p.dtype !== 'float32') {
    throw new Error(`Dice: yTrue and yPred must be float32 [N, H, W, ${DICE_CLASSES}], got ${y.dtype} ${y.shape.join('×')} and ${p.dtype} ${p.shape.join('×')}`)
  }
}

/** [sums [3, C] (rows Σ y·p·l, Σ y, Σ p·l), loss [1]]. */
export function diceWebgpu(y: TensorInfo, p: TensorInfo, epsilon: number, backend: WebGPUBackend): TensorInfo[] {
  checkPair(y, p)
  const pixels = y.shape[0]! * y.shape[1]! * y.shape[2]!
  const partials = backend.runWebGPUProgram(new DicePartialsProgram(Math.max(1, Math.ceil(pixels / SLICE))), [y, p], 'float32')
  const sums = backend.runWebGPUProgram(new SumSlicesProgram([3, DICE_CLASSES]), [partials], 'float32', sumSlicesUniforms({ outCols: DICE_CLASSES }) as never)
  backend.disposeData(partials.dataId)
  const loss = backend.runWebGPUProgram(new DiceLossProgram(), [sums], 'float32', eps(epsilon) as never)
  return [sums, loss]
}

export function diceGradWebgpu(y: TensorInfo, sums: TensorInfo, dy: TensorInfo, epsilon: number, backend: WebGPUBackend): TensorInfo {
  checkPair(y, y)
  if (sums.shape.join() !== `3,${DICE_CLASSES}` || dy.shape.join() !== '1') throw new Error(`Dice gradient: sums must be [3, ${DICE_CLASSES}] and dy [1], got ${sums.shape.join('×')} and ${dy.shape.join('×')}`)
  return backend.runWebGPUProgram(new DiceGradProgram(y.shape), [y, sums, dy], 'float32', eps(epsilon) as never)
}
