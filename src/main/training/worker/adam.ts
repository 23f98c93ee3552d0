// The Adam every run uses (job.ts, loop.ts, bench): tfjs's AdamOptimizer, state and checkpoints unchanged,
// with each tensor's update one fused kernel on webgpu (kernels/webgpu/adam-program.ts: 2 programs, not ≈ 14).
import * as tf from '@tensorflow/tfjs'
import type { AdamAttrs } from './kernels/webgpu/adam-program'
import { ADAM_UPDATE } from './kernels/webgpu/kernel-names'

interface Slot {
  originalName: string
  variable: tf.Variable
}

// tfjs declares these private; the fused path keeps the very same slots current whenever they are read
// (getWeights), so that a checkpoint saved on one backend resumes on another.
interface AdamState {
  accBeta1: tf.Variable
  accBeta2: tf.Variable
  accumulatedFirstMoment: Slot[]
  accumulatedSecondMoment: Slot[]
}

type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0]
type NamedTensors = Awaited<ReturnType<tf.AdamOptimizer['getWeights']>>

export class FusedAdamOptimizer extends tf.AdamOptimizer {
  /**
   * While the fused kernel runs, each variable's moments live here packed [m | v] (flat), so that one
   * pass writes both; tfjs's m and v slots are brought up to date from them when state is read.
   */
  private packed: (tf.Variable | undefined)[] = []

  /** Whether the next step runs the fused kernel (webgpu with the project's kernels installed). */
  fused(): boolean {
    return tf.getBackend() === 'webgpu' && tf.getKernel(ADAM_UPDATE, 'webgpu') !== undefined
  }

  override applyGradients(gradients: Gradients): void {
    if (!this.fused()) {
      this.unpack()
      return super.applyGradients(gradients)
    }
    const names = Array.isArray(gradients) ? gradients.map((g) => g.name) : Object.keys(gradients)
    const attrs = this.stepAttrs()
    tf.tidy(() => {
      names.forEach((name, i) => {
        const weight = tf.engine().registeredVariables[name]!
        const mv = this.packedSlot(i, name, weight)
        const grad = Array.isArray(gradients) ? gradients[i]!.tensor : gradients[name]
        if (grad == null) return
        const [w2, mv2] = tf.engine().runKernel(ADAM_UPDATE, { weight, mv, grad }, attrs as never) as unknown as tf.Tensor[]
        mv.assign(mv2!)
        weight.assign(w2!)
      })
    })
    this.advanceBetaPowers()
    this.incrementIterations()
  }

  override async getWeights(): Promise<NamedTensors> {
    this.syncSlots()
    return super.getWeights()
  }

  override async setWeights(weightValues: NamedTensors): Promise<void> {
    this.dropPacked()
    return super.setWeights(weightValues)
  }

  override dispose(): void {
    this.dropPacked()
    super.dispose()
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

  /**
   * The i-th variable's packed moments: made from tfjs's slots (zeros, named "<variable>/m" and "/v",
   * made as tfjs makes them; or the state setWeights restored).
   */
  private packedSlot(i: number, name: string, weight: tf.Variable): tf.Variable {
    const s = this.state
    const make = (suffix: string): Slot => ({ originalName: `${name}/${suffix}`, variable: tf.tidy(() => tf.zerosLike(weight).variable(false)) })
    s.accumulatedFirstMoment[i] ??= make('m')
    s.accumulatedSecondMoment[i] ??= make('v')
    this.packed[i] ??= tf.tidy(() => {
      const [m, v] = [s.accumulatedFirstMoment[i]!.variable, s.accumulatedSecondMoment[i]!.variable]
      return tf.concat([tf.reshape(m, [-1]), tf.reshape(v, [-1])]).variable(false)
    })
    return this.packed[i]!
  }

  /** tfjs's m and v slots given the packed moments' values. */
  private syncSlots(): void {
    const s = this.state
    tf.tidy(() => {
      this.packed.forEach((mv, i) => {
        if (!mv) return
        const [m, v] = [s.accumulatedFirstMoment[i]!.variable, s.accumulatedSecondMoment[i]!.variable]
        m.assign(tf.reshape(tf.slice(mv, 0, m.size), m.shape))
        v.assign(tf.reshape(tf.slice(mv, m.size, v.size), v.shape))
      })
    })
  }

  /** Back to tfjs's slots alone (another backend's step, or its state replaced). */
  private unpack(): void {
    this.syncSlots()
    this.dropPacked()
  }

  private dropPacked(): void {
    tf.dispose(this.packed.filter((v): v is tf.Variable => v !== undefined))
    this.packed = []
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
