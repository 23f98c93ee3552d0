// A pool worker streams at most a few steps a second (and each epoch's last), each carrying the mean
// loss of the steps it stands for, so the app's live curve keeps its level while Redis gets far fewer writes.
import { describe, expect, it } from 'vitest'
import { stepSampler } from '../../../src/main/pool/job-events'

const step = (k: number, loss: number) => ({ type: 'step' as const, epoch: 0, step: k, stepsPerEpoch: 10, loss, imgPerSec: 100 })

describe('stepSampler', () => {
  it('sends the first step, then one per 250 ms with the mean loss since the last, and always the epoch’s last step', () => {
    let t = 0
    const sample = stepSampler(() => t)
    const sent = []
    for (let k = 0; k < 10; k++) {
      t = k * 100
      const out = sample(step(k, k))
      if (out) sent.push([out.step, out.loss])
    }
    // Steps at 0, 300, 600 and 900 ms (the epoch's last): each with the mean of the losses it covers.
    expect(sent).toEqual([[0, 0], [3, 2], [6, 5], [9, 8]])
  })
})
