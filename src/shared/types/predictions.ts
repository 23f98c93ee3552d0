// DTOs of model-in-the-loop labelling: a finished finetune's predicted trimaps for a
// dataset's images, their scores, and the two review queues built from them.
import type { ImageSummary } from './dataset'

/** Which images a prediction job covers: no label yet, any label, or every readable image. */
export type PredictionScope = 'unlabelled' | 'labelled' | 'all'

export type PredictionPhase = 'loading' | 'predicting' | 'done' | 'failed' | 'cancelled'

/** A prediction job's state, pushed as 'predictions:progress' (a few times a second at most). */
export interface PredictionProgress {
  jobId: number
  runId: number
  datasetId: number
  scope: PredictionScope
  phase: PredictionPhase
  done: number
  total: number
  /** Why the job failed (phase 'failed'), else null. */
  error: string | null
}

/**
 * One image in a review queue with its score (0..1):
 * - 'labelNext': the prediction's confidence, the mean over pixels of the largest softmax probability
 *   at the model's input size (1/3 = a coin toss between the classes, 1 = certain). Lowest first.
 * - 'recheck': the disagreement between prediction and stored trimap at the image's size,
 *   1 − mean IoU over the classes present in either (0 = identical, 1 = no pixel agrees). Highest first.
 */
export interface QueueItem {
  image: ImageSummary
  score: number
  /** The prediction's confidence (also given in the recheck queue, for context). */
  confidence: number
}
