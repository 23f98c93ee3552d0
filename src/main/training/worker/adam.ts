// The Adam every run uses (job.ts, loop.ts, bench): tfjs's AdamOptimizer, state and checkpoints unchanged,
// with each tensor's update one fused kernel on webgpu (kernels/webgpu/adam-program.ts: 3 programs, not ≈ 14).
import * as tf from '@tensorflow/tfjs'
import type { AdamAttrs } from './kernels/webgpu/adam-program'
import { ADAM_UPDATE } from './kernels/webgpu/kernel-names'

interface Slot {
  originalName: string
  variable: tf.Variable
}

// tfjs declares these private; the fused path fills and reads the very same slots, so that a checkpoint
// saved on one backend resumes on another.
interface AdamState {
  accBeta1: tf.Variable
  accBeta2: tf.Variable
  accumulatedFirstMoment: Slot[]
  accumulatedSecondMoment: Slot[]
}

type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0]

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /** Whether the next step runs the fused kernel (webgpu with the project's kernels installed). */
  fused(): boolean {
    return tf.getBackend() === 'webgpu' && tf.getKernel(ADAM_UPDATE, 'webgpu') !== undefined
  }

  override applyGradients(gradients: Gradients): void {
    if (!this.fused()) return super.applyGradients(gradients)
    const names = Array.isArray(gradients) ? gradients.map((g) => g.name) : Object.keys(gradients)
    const attrs = this.stepAttrs()
    tf.tidy(() => {
      names.forEach((name, i) => {
        const weight = tf.engine().registeredVariables[name]!
        const [m, v] = this.slots(i, name, weight)
        const grad = Array.isArray(gradients) ? gradients[i]!.tensor : gradients[name]
        if (grad == null) return
        const [w2, m2, v2] = tf.engine().runKernel(ADAM_UPDATE, { weight, m, v, grad }, attrs as never) as unknown as tf.Tensor[]
        m.assign(m2!)
        v.assign(v2!)
        weight.assign(w2!)
      })
    })
    this.advanceBetaPowers()
    this.incrementIterations()
  }

  private get state(): AdamState {
    return this as unknown as AdamState
  }

  /** This step's scalars. β^t comes from the step count on the host, so no GPU value is read back. */
  private stepAttrs(): AdamAttrs {
    const t = this.iterations + 1
    return {
      beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, learningRate: this.learningRate,
      correction1: 1 - Math.fround(this.beta1 ** t), correction2: 1 - Math.fround(this.beta2 ** t),
    }
  }

  /** The moments of the i-th variable, made as tfjs makes them (zeros, named "<variable>/m" and "/v"). */
  private slots(i: number, name: string, weight: tf.Variable): [tf.Variable, tf.Variable] {
    const s = this.state
    const make = (suffix: string): Slot => ({ originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(weight).variable(false)) })
    s.accumulatedFirstMoment[i] ??= make('m')
    s.accumulatedSecondMoment[i] ??= make('v')
    return [s.accumulatedFirstMoment[i]!.variable, s.accumulatedSecondMoment[i]!.variable]
  }

  // tfjs's own step reads β^t from these variables; kept current (an upload, not a GPU program) so that
  // the optimizer stays whole should a later step run on another backend.
  private advanceBetaPowers(): void {
    const t = this.iterations + 2
    const s = this.state
    tf.tidy(() => {
      s.accBeta1.assign(tf.scalar(this.beta1 ** t))
      s.accBeta2.assign(tf.scalar(this.beta2 ** t))
    })
  }
}

/** Adam with tfjs's defaults (β1 0.9, β2 0.999, the backend's ε), as tf.train.adam(learningRate). */
export function adam(learningRate: number): FusedAdamOptimizer {
  return new FusedAdamOptimizer(learningRate, 0.9, 0.999)
}
