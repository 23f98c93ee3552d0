// Dice loss for trimap finetuning (§2.5, after Milletari et al.), as in ../shared/bench/torch_unet.py.
import * as tf from '@tensorflow/tfjs'
import { DICE_GRAD, DICE_LOSS } from '../kernels/webgpu/kernel-names'

export const DICE_EPS = 1e-6

/**
 * yTrue one-hot and yPred probabilities, both [N,H,W,C]. Per class c, over the whole batch:
 * dice_c = (2·Σ y·p + ε) / (Σ y + Σ p + ε); loss = 1 − mean_c dice_c. Unlabelled pixels (all-zero
 * one-hot rows) add nothing to Σ y·p or Σ y; weights them out of Σ p too so they cost nothing.
 */
export function diceLoss(yTrue: tf.Tensor4D, yPred: tf.Tensor4D, eps = DICE_EPS): tf.Scalar {
  if (yTrue.shape[3] === 3 && tf.getKernel(DICE_LOSS, tf.getBackend())) return fusedDice(yTrue, yPred, eps)
  return tf.tidy(() => {
    const labelled = tf.sum(yTrue, -1, true)
    const p = tf.mul(yPred, labelled)
    const inter = tf.sum(tf.mul(yTrue, p), [0, 1, 2])
    const den = tf.add(tf.sum(yTrue, [0, 1, 2]), tf.sum(p, [0, 1, 2]))
    const dice = tf.div(tf.add(tf.mul(inter, 2), eps), tf.add(den, eps))
    return tf.sub(1, tf.mean(dice)) as tf.Scalar
  })
}

/**
 * The same loss as one kernel with its own gradient (webgpu: four programs for the loss and its
 * gradient, where the ops above take about 25). yTrue is a constant of the step, so only yPred is an
 * input of the gradient.
 */
function fusedDice(yTrue: tf.Tensor4D, yPred: tf.Tensor4D, eps: number): tf.Scalar {
  const f = tf.customGrad(((p: tf.Tensor4D, save: tf.GradSaveFunc) => {
    const [sums, loss] = tf.engine().runKernel(DICE_LOSS, { yTrue, yPred: p }, { eps }) as unknown as [tf.Tensor2D, tf.Tensor1D]
    save([sums])
    return {
      value: tf.reshape(loss, []),
      gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => tf.engine().runKernel(DICE_GRAD, { yTrue, sums: saved[0]!, dy: tf.reshape(dy, [1]) }, { eps }) as tf.Tensor4D,
    }
  }) as never) as unknown as (p: tf.Tensor4D) => tf.Scalar
  return f(yPred)
}
