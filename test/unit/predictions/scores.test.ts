// The review queues' scores on tiny hand-worked trimaps: disagreement (1 − mean IoU over the classes
// present) and nearest-neighbour upsampling of a model-size prediction.
import { describe, expect, it } from 'vitest'
import { disagreement, upsampleNearest } from '../../../src/main/services/prediction-scores'

describe('disagreement', () => {
  it('is 0 for identical trimaps and 1 when no pixel agrees', () => {
    expect(disagreement(Uint8Array.of(1, 2, 3, 2), Uint8Array.of(1, 2, 3, 2))).toBe(0)
    expect(disagreement(Uint8Array.of(1, 1), Uint8Array.of(2, 2))).toBe(1)
  })

  it('averages IoU over the classes present in either, ignoring unlabelled (0) truth pixels', () => {
    // pred 1 1 2 2 / truth 1 2 2 0: pet IoU 1/2, background IoU 1/2, border absent → 1 − 0.5.
    expect(disagreement(Uint8Array.of(1, 1, 2, 2), Uint8Array.of(1, 2, 2, 0))).toBeCloseTo(0.5, 12)
    // pred 1 1 1 3 / truth 1 1 1 1: pet 3/4, border 0/1 → 1 − 3/8.
    expect(disagreement(Uint8Array.of(1, 1, 1, 3), Uint8Array.of(1, 1, 1, 1))).toBeCloseTo(5 / 8, 12)
  })

  it('refuses trimaps of different sizes', () => {
    expect(() => disagreement(Uint8Array.of(1), Uint8Array.of(1, 2))).toThrow(/1 pixels, the trimap 2/)
  })
})

describe('upsampleNearest', () => {
  it('scales a 2×2 prediction to 4×2 keeping class ids', async () => {
    const t = await upsampleNearest(Uint8Array.of(1, 2, 3, 1), 2, 4, 2)
    expect(t).toEqual({ width: 4, height: 2, data: Uint8Array.of(1, 1, 2, 2, 3, 3, 1, 1) })
  })

  it('copies a prediction already at the image size', async () => {
    const ids = Uint8Array.of(3, 2, 1, 2)
    const t = await upsampleNearest(ids, 2, 2, 2)
    expect(t.data).toEqual(ids)
    expect(t.data).not.toBe(ids)
  })
})
