// Adam's update of one trainable tensor on webgpu in three passes (new m, new v, new weight) instead of
// tfjs's ≈ 14 element-wise programs; used by the UnetAdamUpdate kernel (register-webgpu.ts).
import type { TensorInfo } from '@tensorflow/tfjs'
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu'

const WORKGROUP = 64

/** Which of Adam's three outputs a pass writes; each pass reads only the inputs its formula needs. */
export type AdamOutput = 'weight' | 'm' | 'v'
/** The kernel's inputs: the weight, Adam's two moments, and the weight's gradient. */
export type AdamInput = 'weight' | 'm' | 'v' | 'grad'

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

// The same operations in the same order as tfjs's AdamOptimizer.applyGradients, so that the result
// differs from it by rounding only (a compiler may still fuse a multiply-add).
const FORMULAS: Record<AdamOutput, string> = {
  m: 'm[index] * uniforms.beta1 + grad[index] * uniforms.oneMinusBeta1',
  v: 'v[index] * uniforms.beta2 + (grad[index] * grad[index]) * uniforms.oneMinusBeta2',
  weight: `(newM / uniforms.correction1) / (sqrt(newV / uniforms.correction2) + uniforms.epsilon) * uniforms.negLearningRate + weight[index]`,
}

const INPUTS: Record<AdamOutput, AdamInput[]> = { m: ['m', 'grad'], v: ['v', 'grad'], weight: ['weight', 'm', 'v', 'grad'] }

export class AdamUpdateProgram implements WebGPUProgram {
  variableNames: string[]
  uniforms = 'beta1 : f32, beta2 : f32, oneMinusBeta1 : f32, oneMinusBeta2 : f32, correction1 : f32, correction2 : f32, epsilon : f32, negLearningRate : f32,'
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1]
  outputShape: number[]
  dispatchLayout: { x: number[] }
  dispatch: [number, number, number]
  shaderKey: string
  size = true

  constructor(
    shape: number[],
    private readonly output: AdamOutput,
  ) {
    this.variableNames = INPUTS[output]
    this.outputShape = shape
    this.dispatchLayout = { x: shape.map((_, i) => i) }
    this.dispatch = [Math.ceil(shape.reduce((a, b) => a * b, 1) / WORKGROUP), 1, 1]
    this.shaderKey = `unetAdam_${output}`
  }

  getUserCode(): string {
    // The weight pass recomputes the new moments from the old ones rather than reading the other passes'
    // outputs: the three passes are then independent, and none waits for another's result.
    const moments = this.output === 'weight' ? `let newM = ${FORMULAS.m};\n let newV = ${FORMULAS.v};` : ''
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${moments}
          result[index] = ${FORMULAS[this.output]};
        }
      }
    `
  }
}

function uniformsOf(a: AdamAttrs): { type: string; data: number[] }[] {
  const values = [a.beta1, a.beta2, 1 - a.beta1, 1 - a.beta2, a.correction1, a.correction2, a.epsilon, -a.learningRate]
  return values.map((v) => ({ type: 'float32', data: [v] }))
}

/** [new weight, new m, new v] of one tensor; the inputs are left as they are. */
export function adamUpdateWebgpu(inputs: Record<AdamInput, TensorInfo>, attrs: AdamAttrs, backend: WebGPUBackend): TensorInfo[] {
  const shape = inputs.weight.shape
  for (const [name, t] of Object.entries(inputs)) {
    if (t.dtype !== 'float32' || t.shape.join() !== shape.join()) throw new Error(`Adam update: ${name} is ${t.dtype} ${t.shape.join('×')}, not float32 ${shape.join('×')}`)
  }
  const uniforms = uniformsOf(attrs) as never
  const pass = (output: AdamOutput): TensorInfo =>
    backend.runWebGPUProgram(new AdamUpdateProgram(shape, output), INPUTS[output].map((n) => inputs[n]), 'float32', uniforms)
  return [pass('weight'), pass('m'), pass('v')]
}
