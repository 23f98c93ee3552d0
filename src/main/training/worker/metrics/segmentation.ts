// Segmentation metrics: the paper's (§2.7: F1 and Jaccard per class, averaged over classes, then over
// batches) and dataset-level pooled ones (per-class IoU, mean IoU, foreground IoU, pixel accuracy).
import { classCounts, type Confusion, emptyConfusion, mergeConfusion, NUM_CLASSES } from './confusion'

export interface ClassScores {
  /** Index 0 = pet (id 1), 1 = background (id 2), 2 = border (id 3); null = class absent. */
  f1: (number | null)[]
  jaccard: (number | null)[]
}

export interface PaperMetrics {
  /** Mean over batches of the batch's mean-over-classes F1. */
  f1: number
  jaccard: number
  batches: number
}

export interface PooledMetrics {
  iou: (number | null)[]
  meanIou: number
  foregroundIou: number
  pixelAccuracy: number
  pixels: number
}

/**
 * Conventions the paper (§2.7) does not state, chosen here and said under the app's tables:
 * - a class absent from both truth and prediction in a batch is 0/0 and left out of that batch's
 *   class average (not counted as 1, nor as 0);
 * - unlabelled pixels (trimap id 0) are ignored;
 * - batches hold EVAL_BATCH images (training-protocol.ts), whatever the training batch was.
 * The compare view says the same in one line (lib/runs/paper.ts, METRIC_CONVENTIONS).
 */
/**
 * One batch's scores per class c: F1_c = 2TP/(2TP+FP+FN) (= Dice), Jaccard_c = TP/(TP+FP+FN) (IoU).
 * A class neither present nor predicted in the batch has 0/0 and is left out (null) of the averages.
 */
export function classScores(c: Confusion): ClassScores {
  const f1: (number | null)[] = []
  const jaccard: (number | null)[] = []
  for (let cls = 1; cls <= NUM_CLASSES; cls++) {
    const { tp, fp, fn } = classCounts(c, cls)
    const union = tp + fp + fn
    f1.push(union === 0 ? null : (2 * tp) / (2 * tp + fp + fn))
    jaccard.push(union === 0 ? null : tp / union)
  }
  return { f1, jaccard }
}

export function meanOfPresent(values: (number | null)[]): number {
  const present = values.filter((v): v is number => v !== null)
  return present.length === 0 ? 0 : present.reduce((a, b) => a + b, 0) / present.length
}

/** The paper's averaging: per batch, the mean over classes; then the mean of those over batches. */
export class PaperMetricAccumulator {
  private f1Sum = 0
  private jSum = 0
  private n = 0

  addBatch(c: Confusion): void {
    const s = classScores(c)
    this.f1Sum += meanOfPresent(s.f1)
    this.jSum += meanOfPresent(s.jaccard)
    this.n += 1
  }

  result(): PaperMetrics {
    return { f1: this.n ? this.f1Sum / this.n : 0, jaccard: this.n ? this.jSum / this.n : 0, batches: this.n }
  }
}

/**
 * Pooled over all pixels of the dataset: IoU_c = TP/(TP+FP+FN); mean IoU = mean over classes present;
 * foreground IoU treats pet and border as one "foreground" class against background (id 2);
 * pixel accuracy = correctly classified labelled pixels / labelled pixels.
 */
export function pooledMetrics(c: Confusion): PooledMetrics {
  const { jaccard } = classScores(c)
  const m = c.matrix
  let total = 0
  let correct = 0
  for (let t = 0; t < NUM_CLASSES; t++) {
    for (let p = 0; p < NUM_CLASSES; p++) total += m[t * NUM_CLASSES + p]!
    correct += m[t * NUM_CLASSES + t]!
  }
  // Background is index 1; every other cell with neither side background is a foreground hit.
  const bg = 1
  let fgTp = 0
  let fgFp = 0
  let fgFn = 0
  for (let t = 0; t < NUM_CLASSES; t++) {
    for (let p = 0; p < NUM_CLASSES; p++) {
      const v = m[t * NUM_CLASSES + p]!
      if (t !== bg && p !== bg) fgTp += v
      else if (t === bg && p !== bg) fgFp += v
      else if (t !== bg && p === bg) fgFn += v
    }
  }
  const fgUnion = fgTp + fgFp + fgFn
  return {
    iou: jaccard,
    meanIou: meanOfPresent(jaccard),
    foregroundIou: fgUnion === 0 ? 0 : fgTp / fgUnion,
    pixelAccuracy: total === 0 ? 0 : correct / total,
    pixels: total,
  }
}

export { emptyConfusion, mergeConfusion }
