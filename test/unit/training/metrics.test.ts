// Segmentation metrics on tiny label maps whose scores were worked out by hand.
import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { addToConfusion, emptyConfusion, predictedClassIds } from '../../../src/main/training/worker/metrics/confusion'
import { classScores, PaperMetricAccumulator, pooledMetrics } from '../../../src/main/training/worker/metrics/segmentation'
import { useWasm } from './helpers'

beforeAll(useWasm)

// truth: pet pet bg bg border ; pred: pet bg bg bg pet
const truth = [1, 1, 2, 2, 3]
const pred = [1, 2, 2, 2, 1]

describe('per-class scores', () => {
  it('F1 and Jaccard per class', () => {
    const c = emptyConfusion()
    addToConfusion(c, pred, truth)
    const s = classScores(c)
    // pet: TP1 FP1 FN1 → F1 2/4, J 1/3; bg: TP2 FP1 FN0 → F1 4/5, J 2/3; border: TP0 FP0 FN1 → 0, 0.
    expect(s.f1[0]).toBeCloseTo(0.5)
    expect(s.jaccard[0]).toBeCloseTo(1 / 3)
    expect(s.f1[1]).toBeCloseTo(0.8)
    expect(s.jaccard[1]).toBeCloseTo(2 / 3)
    expect(s.f1[2]).toBe(0)
    expect(s.jaccard[2]).toBe(0)
  })

  it('skips unlabelled pixels and leaves absent classes out of the average', () => {
    const c = emptyConfusion()
    addToConfusion(c, [1, 1, 3], [1, 1, 0])
    const s = classScores(c)
    expect(s.f1).toEqual([1, null, null])
  })

  it('rejects out-of-range ids', () => {
    expect(() => addToConfusion(emptyConfusion(), [4], [1])).toThrow(/out of range/)
  })
})

describe('paper averaging vs pooled', () => {
  it('averages over classes, then over batches', () => {
    const acc = new PaperMetricAccumulator()
    const a = emptyConfusion()
    addToConfusion(a, pred, truth) // class-mean F1 (0.5 + 0.8 + 0)/3 = 0.4333
    const b = emptyConfusion()
    addToConfusion(b, [1, 2], [1, 2]) // perfect: F1 1 on its two classes
    acc.addBatch(a)
    acc.addBatch(b)
    const r = acc.result()
    expect(r.f1).toBeCloseTo((1.3 / 3 + 1) / 2, 6)
    expect(r.jaccard).toBeCloseTo((1 / 3 + 2 / 3 + 0) / 3 / 2 + 0.5, 6)
    expect(r.batches).toBe(2)
  })

  it('pooled IoU, foreground IoU and pixel accuracy', () => {
    const c = emptyConfusion()
    addToConfusion(c, pred, truth)
    const p = pooledMetrics(c)
    expect(p.meanIou).toBeCloseTo((1 / 3 + 2 / 3 + 0) / 3)
    // foreground = pet ∪ border: truth fg {0,1,4}, pred fg {0,4} → IoU 2/3.
    expect(p.foregroundIou).toBeCloseTo(2 / 3)
    expect(p.pixelAccuracy).toBeCloseTo(3 / 5)
    expect(p.pixels).toBe(5)
  })
})

it('predictedClassIds takes the arg-max class as an id 1..3', async () => {
  const probs = tf.tensor4d([0.7, 0.2, 0.1, 0.1, 0.1, 0.8], [1, 1, 2, 3])
  expect(Array.from(await predictedClassIds(probs))).toEqual([1, 3])
})
