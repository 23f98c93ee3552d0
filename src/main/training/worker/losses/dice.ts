// Dice loss for trimap finetuning (§2.5, after Milletari et al.), as in ../shared/bench/torch_unet.py.
import * as tf from '@tensorflow/tfjs'

export const DICE_EPS = 1e-6

/**
 * yTrue one-hot and yPred probabilities, both [N,H,W,C]. Per class c, over the whole batch:
 * dice_c = (2·Σ y·p + ε) / (Σ y + Σ p + ε); loss = 1 − mean_c dice_c. Unlabelled pixels (all-zero
 * one-hot rows) add nothing to Σ y·p or Σ y; weights them out of Σ p too so they cost nothing.
 */
export function diceLoss(yTrue: tf.Tensor4D, yPred: tf.Tensor4D, eps = DICE_EPS): tf.Scalar {
  return tf.tidy(() => {
    const labelled = tf.sum(yTrue, -1, true)
    const p = tf.mul(yPred, labelled)
    const inter = tf.sum(tf.mul(yTrue, p), [0, 1, 2])
    const den = tf.add(tf.sum(yTrue, [0, 1, 2]), tf.sum(p, [0, 1, 2]))
    const dice = tf.div(tf.add(tf.mul(inter, 2), eps), tf.add(den, eps))
    return tf.sub(1, tf.mean(dice)) as tf.Scalar
  })
}
