// Held-out evaluation of a segmentation model: the paper's batch-averaged F1/Jaccard and the pooled
// dataset metrics, from one pass over the evaluation images in batches of a fixed size.
import * as tf from '@tensorflow/tfjs'
import { EVAL_BATCH } from '../../../../shared/training-protocol'
import { type ImageSource, disposeBatch, makeBatch } from '../data/source'
import { toBatches } from '../data/sampling'
import { throwOnGpuFault } from '../gpu-faults'
import { addToConfusion, emptyConfusion, mergeConfusion, predictedClassIds } from './confusion'
import { PaperMetricAccumulator, type PaperMetrics, type PooledMetrics, pooledMetrics } from './segmentation'

export interface SegmentationEval {
  paper: PaperMetrics
  pooled: PooledMetrics
  images: number
  /** Images per evaluation batch the paper metrics were averaged over. */
  batchSize: number
}

export async function evaluateSegmentation(
  model: tf.LayersModel,
  src: ImageSource,
  indices: number[],
  // Not the training batch: the paper's metrics are batch averages, so runs trained at 16 and at 256
  // are scored alike only at one evaluation batch.
  batchSize = EVAL_BATCH,
): Promise<SegmentationEval> {
  const paper = new PaperMetricAccumulator()
  const total = emptyConfusion()
  for (const idx of toBatches(indices, batchSize)) {
    const batch = makeBatch(src, idx, true)
    try {
      const probs = model.predict(batch.x) as tf.Tensor4D
      const pred = await predictedClassIds(probs)
      probs.dispose()
      throwOnGpuFault('while evaluating')
      const c = emptyConfusion()
      addToConfusion(c, pred, batch.ids!)
      paper.addBatch(c)
      mergeConfusion(total, c)
    } finally {
      disposeBatch(batch)
    }
  }
  return { paper: paper.result(), pooled: pooledMetrics(total), images: indices.length, batchSize }
}
