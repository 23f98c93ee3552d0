// NT-Xent, SimCLR's contrastive loss (§2.3): each view must pick its partner out of the 2B−1 others.
import * as tf from '@tensorflow/tfjs'
import { NT_XENT_NORMALIZE, NT_XENT_NORMALIZE_GRAD, NT_XENT_ROWS, NT_XENT_ROWS_GRAD } from '../kernels/webgpu/kernel-names'

/**
 * z: [2B, D] projections, rows 0..B−1 the first views and B..2B−1 the second views of the same images.
 * With s_ij = cos(z_i, z_j)/τ and p(i) the partner of i:
 *   loss = mean_i [ −s_{i,p(i)} + log Σ_{j≠i} exp(s_ij) ].
 * Self-similarity is removed by subtracting a large constant on the diagonal (no gather: wasm has no
 * gradient kernel for it). The diagonal and the partners are one-hot rows built on the backend from n
 * indices: uploading them as n×n floats cost a GPU step 4.7 MB at the paper's batch of 384.
 */
export function ntXentLoss(z: tf.Tensor2D, temperature = 0.2): tf.Scalar {
  const n = z.shape[0]
  if (n % 2 !== 0 || n < 4) throw new Error(`NT-Xent needs two views of at least 2 images, got ${n} rows`)
  if (!(temperature > 0)) throw new Error(`NT-Xent temperature must be > 0, got ${temperature}`)
  if (tf.getKernel(NT_XENT_ROWS, tf.getBackend())) return fusedNtXent(z, temperature)
  const half = n / 2
  const self = Int32Array.from({ length: n }, (_, i) => i)
  const partner = self.map((i) => (i + half) % n)
  return tf.tidy(() => {
    const zn = tf.div(z, tf.maximum(tf.norm(z, 'euclidean', 1, true), 1e-12))
    const sim = tf.div(tf.matMul(zn, zn, false, true), temperature)
    const logits = tf.sub(sim, rows(self, n, 1e9))
    const logProb = tf.logSoftmax(logits, 1)
    return tf.neg(tf.mean(tf.sum(tf.mul(logProb, rows(partner, n, 1)), 1))) as tf.Scalar
  })
}

/**
 * Row i holds `value` at column columns[i], 0 elsewhere, as float32. Made as int32 and cast: wasm's
 * OneHot writes integers whatever dtype it is asked for. (1e9 is exact in both.)
 */
const rows = (columns: Int32Array, n: number, value: number): tf.Tensor2D =>
  tf.cast(tf.oneHot(tf.tensor1d(columns, 'int32'), n, value, 0), 'float32') as tf.Tensor2D

/**
 * The same loss with its own gradient from the project's kernels (webgpu: the similarities and the
 * gradient's two products are tfjs's matMuls; nine programs in all, where the ops above take about 60).
 * With s = zn·znᵀ, dLoss/dzn = (G + Gᵀ)·zn for G = dLoss/ds.
 */
function fusedNtXent(z: tf.Tensor2D, temperature: number): tf.Scalar {
  const f = tf.customGrad(((x: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const zn = tf.engine().runKernel(NT_XENT_NORMALIZE, { z: x }) as tf.Tensor2D
    const sim = tf.matMul(zn, zn, false, true)
    const rowLosses = tf.engine().runKernel(NT_XENT_ROWS, { sim }, { temperature }) as tf.Tensor1D
    save([x, zn, sim])
    return {
      value: tf.mean(rowLosses) as tf.Scalar,
      gradFunc: (dy: tf.Scalar, saved: tf.Tensor[]) => {
        const [sx, szn, ssim] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D]
        const g = tf.engine().runKernel(NT_XENT_ROWS_GRAD, { sim: ssim, dy: tf.reshape(dy, [1]) }, { temperature }) as tf.Tensor2D
        const dzn = tf.add(tf.matMul(g, szn), tf.matMul(g, szn, true, false))
        return tf.engine().runKernel(NT_XENT_NORMALIZE_GRAD, { z: sx, zn: szn, dzn }) as tf.Tensor2D
      },
    }
  }) as never) as unknown as (x: tf.Tensor2D) => tf.Scalar
  return f(z)
}
