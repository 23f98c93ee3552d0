// How the review queues score a prediction: its disagreement with a stored trimap. A pure function.
import { AppError } from '../../shared/errors'

/**
 * 1 − mean IoU between two trimaps of the same size, over the classes (1/2/3) present in either
 * (a class absent from both says nothing and is skipped). 0 = identical, 1 = no pixel agrees.
 * Pixels 0 (unlabelled) in the truth are ignored, as in training.
 */
export function disagreement(pred: Uint8Array, truth: Uint8Array): number {
  if (pred.length !== truth.length) throw new AppError('BAD_INPUT', `prediction has ${pred.length} pixels, the trimap ${truth.length}`)
  const inter = [0, 0, 0, 0]
  const union = [0, 0, 0, 0]
  for (let k = 0; k < pred.length; k++) {
    const t = truth[k]!
    if (t === 0) continue
    const p = pred[k]!
    if (p === t) {
      inter[t]!++
      union[t]!++
    } else {
      union[t]!++
      union[p]!++
    }
  }
  let sum = 0
  let n = 0
  for (let c = 1; c <= 3; c++) {
    if (union[c]! === 0) continue
    sum += inter[c]! / union[c]!
    n++
  }
  return n === 0 ? 0 : 1 - sum / n
}
