// Adam's update of one trainable tensor on webgpu in two passes (new moments, new weight) instead of
// tfjs's ≈ 14 element-wise programs; used by the UnetAdamUpdate kernel (register-webgpu.ts). The two
// moments live in one packed tensor [m | v] (training/worker/adam.ts keeps it), so that one pass writes both.
import type { TensorInfo } from '@tensorflow/tfjs'
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu'
import { FlatProgram } from './flat-program'

/** The step's scalars, as tfjs's AdamOptimizer uses them (all rounded to float32 on the way in). */
export interface AdamAttrs {
  beta1: number
  beta2: number
  epsilon: number
  learningRate: number
  /** 1 − beta1^t and 1 − beta2^t, t the step counted from 1: Adam's bias corrections. */
  correction1: number
  correction2: number
}

const UNIFORMS = 'beta1 : f32, beta2 : f32, oneMinusBeta1 : f32, oneMinusBeta2 : f32, correction1 : f32, correction2 : f32, epsilon : f32, negLearningRate : f32,'

abstract class AdamPass extends FlatProgram {
  uniforms = UNIFORMS
}

// The same operations in the same order as tfjs's AdamOptimizer.applyGradients, so that the result
// differs from it by rounding only (a compiler may still fuse a multiply-add).

/** mv [2n] (m, then v) from the old mv and the gradient g [n]. */
class MomentsProgram extends AdamPass {
  variableNames = ['mv', 'grad']
  shaderKey = 'unetAdamMoments'

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let n = uniforms.size / 2;
        if (index < n) {
          result[index] = mv[index] * uniforms.beta1 + grad[index] * uniforms.oneMinusBeta1;
        } else if (index < uniforms.size) {
          let g = grad[index - n];
          result[index] = mv[index] * uniforms.beta2 + (g * g) * uniforms.oneMinusBeta2;
        }
      }
    `
  }
}

/** The new weight from the old one and the new moments. */
class WeightProgram extends AdamPass {
  variableNames = ['weight', 'mv']
  shaderKey = 'unetAdamWeight'

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let m = mv[index];
          let v = mv[index + uniforms.size];
          result[index] = (m / uniforms.correction1) / (sqrt(v / uniforms.correction2) + uniforms.epsilon) * uniforms.negLearningRate + weight[index];
        }
      }
    `
  }
}

function uniformsOf(a: AdamAttrs): { type: string; data: number[] }[] {
  const values = [a.beta1, a.beta2, 1 - a.beta1, 1 - a.beta2, a.correction1, a.correction2, a.epsilon, -a.learningRate]
  return values.map((v) => ({ type: 'float32', data: [v] }))
}

/** [new weight, new mv] of one tensor: weight and grad of one shape, mv [2·size]; the inputs are left as they are. */
export function adamUpdateWebgpu(inputs: { weight: TensorInfo; mv: TensorInfo; grad: TensorInfo }, attrs: AdamAttrs, backend: WebGPUBackend): TensorInfo[] {
  const { weight, mv, grad } = inputs
  const size = weight.shape.reduce((a, b) => a * b, 1)
  const ok = grad.shape.join() === weight.shape.join() && mv.shape.join() === String(2 * size)
  if (!ok || [weight, mv, grad].some((t) => t.dtype !== 'float32')) {
    throw new Error(`Adam update: needs float32 weight and grad of one shape and mv [${2 * size}], got ${weight.shape.join('×')}, ${grad.shape.join('×')} and ${mv.shape.join('×')}`)
  }
  const uniforms = uniformsOf(attrs) as never
  const mv2 = backend.runWebGPUProgram(new MomentsProgram([2 * size]), [mv, grad], 'float32', uniforms)
  return [backend.runWebGPUProgram(new WeightProgram(weight.shape), [weight, mv2], 'float32', uniforms), mv2]
}
