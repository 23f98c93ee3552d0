// NT-Xent, SimCLR's contrastive loss (§2.3): each view must pick its partner out of the 2B−1 others.
import * as tf from '@tensorflow/tfjs'

/**
 * z: [2B, D] projections, rows 0..B−1 the first views and B..2B−1 the second views of the same images.
 * With s_ij = cos(z_i, z_j)/τ and p(i) the partner of i:
 *   loss = mean_i [ −s_{i,p(i)} + log Σ_{j≠i} exp(s_ij) ].
 * Self-similarity is removed by subtracting a large constant on the diagonal (no gather: wasm has no
 * gradient kernel for it).
 */
export function ntXentLoss(z: tf.Tensor2D, temperature = 0.2): tf.Scalar {
  const n = z.shape[0]
  if (n % 2 !== 0 || n < 4) throw new Error(`NT-Xent needs two views of at least 2 images, got ${n} rows`)
  if (!(temperature > 0)) throw new Error(`NT-Xent temperature must be > 0, got ${temperature}`)
  const half = n / 2
  const diag = new Float32Array(n * n)
  const pos = new Float32Array(n * n)
  for (let i = 0; i < n; i++) {
    diag[i * n + i] = 1e9
    pos[i * n + ((i + half) % n)] = 1
  }
  return tf.tidy(() => {
    const zn = tf.div(z, tf.maximum(tf.norm(z, 'euclidean', 1, true), 1e-12))
    const sim = tf.div(tf.matMul(zn, zn, false, true), temperature)
    const logits = tf.sub(sim, tf.tensor2d(diag, [n, n]))
    const logProb = tf.logSoftmax(logits, 1)
    return tf.neg(tf.mean(tf.sum(tf.mul(logProb, tf.tensor2d(pos, [n, n])), 1))) as tf.Scalar
  })
}
