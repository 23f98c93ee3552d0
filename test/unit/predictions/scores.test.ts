// The review queues' score on tiny hand-worked trimaps: disagreement (1 − mean IoU over the classes
// present).
import { describe, expect, it } from 'vitest'
import { disagreement } from '../../../src/main/services/prediction-scores'

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
