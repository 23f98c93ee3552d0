// Reconstruction losses of the masked autoencoder (§2.4): MSE over the image, or over masked pixels.
import * as tf from '@tensorflow/tfjs'

/** mean((p − t)²) over every element. */
export function mseLoss(target: tf.Tensor, pred: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.squaredDifference(pred, target)) as tf.Scalar)
}

/**
 * mask [N,H,W,1], 1 where the input was blacked out: Σ mask·(p − t)² / (Σ mask · C). Zero when
 * nothing is masked (the 'none' strategy), so use mseLoss there.
 */
export function maskedMseLoss(target: tf.Tensor4D, pred: tf.Tensor4D, mask: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const channels = target.shape[3]
    const err = tf.sum(tf.mul(tf.squaredDifference(pred, target), mask))
    const count = tf.maximum(tf.mul(tf.sum(mask), channels), 1)
    return tf.div(err, count) as tf.Scalar
  })
}
