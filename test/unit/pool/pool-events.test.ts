// A job's events cross Redis as JSON, which has no NaN or ±Infinity: a diverged run's loss and a
// metric of an empty class must come back as the numbers they were, and nothing else may turn into one.
import { describe, expect, it } from 'vitest'
import { decodeEvent, encodeEvent, poolEventSchema } from '../../../src/main/pool/protocol'

const metrics = { f1: 0.5, jaccard: Number.NaN, iou: [0.9, null, Number.NaN], meanIou: Number.NaN, foregroundIou: 0.4, pixelAccuracy: 0.8 }

describe('pool events over JSON', () => {
  it('brings NaN and ±Infinity back as numbers, and the event checks against the schema', () => {
    const done = { type: 'done', token: 't', cancelled: false, epochsDone: 3, steps: 30, lastLoss: Number.NaN, metrics }
    const back = poolEventSchema.parse(decodeEvent(encodeEvent(done)))
    expect(back).toEqual(done)
    const step = { type: 'step', token: 't', epoch: 0, step: 1, stepsPerEpoch: 2, loss: Number.POSITIVE_INFINITY, imgPerSec: Number.NEGATIVE_INFINITY }
    expect(poolEventSchema.parse(decodeEvent(encodeEvent(step)))).toEqual(step)
  })

  it('leaves strings that read "NaN" and look-alike objects alone', () => {
    const log = { type: 'log', token: 't', line: 'NaN' }
    expect(poolEventSchema.parse(decodeEvent(encodeEvent(log)))).toEqual(log)
    expect(decodeEvent('{"a":{"$num":"NaN","x":1},"b":{"$num":"12"}}')).toEqual({ a: { $num: 'NaN', x: 1 }, b: { $num: '12' } })
  })

  it('refuses an epoch whose loss is not a number at all', () => {
    const bad = { type: 'epoch', token: 't', epoch: 0, epochs: 1, meanLoss: null, seconds: 1, etaSeconds: 0, metrics: null }
    expect(poolEventSchema.safeParse(decodeEvent(JSON.stringify(bad))).success).toBe(false)
  })
})
