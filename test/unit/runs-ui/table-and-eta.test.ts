// The compare table's filter/sort rules, queue order and ETA, and the text formats the views show.
import { describe, expect, it } from 'vitest'
import { DEFAULT_SORT, EMPTY_FILTER, filterRuns, nextSort, sortRuns } from '../../../src/renderer/src/lib/runs/table'
import { estimateRunSeconds, queueEta, queueOrder } from '../../../src/renderer/src/lib/runs/queue-eta'
import { formatEta, labelsText } from '../../../src/renderer/src/lib/runs/format'
import { METRIC_KEYS } from '../../../src/renderer/src/lib/runs/aggregate'
import { metrics, run } from './fixtures'

describe('filter and sort', () => {
  const runs = [
    run(1, { metrics: metrics(0.5), cfg: { tag: 'Paper Table 2 · frozen' } }),
    run(2, { status: 'failed', cfg: { method: 'mae-patch' } }),
    run(3, { metrics: metrics(0.7), cfg: { labels: { mode: 'count', count: 20 } } }),
    run(4, { kind: 'pretrain', cfg: { kind: 'pretrain', labels: undefined } }),
  ]
  it('filters by status, kind, method and every word of the text', () => {
    expect(filterRuns(runs, { ...EMPTY_FILTER, status: 'failed' }).map((r) => r.id)).toEqual([2])
    expect(filterRuns(runs, { ...EMPTY_FILTER, kind: 'pretrain' }).map((r) => r.id)).toEqual([4])
    expect(filterRuns(runs, { ...EMPTY_FILTER, method: 'mae-patch' }).map((r) => r.id)).toEqual([2])
    expect(filterRuns(runs, { ...EMPTY_FILTER, text: 'table FROZEN' }).map((r) => r.id)).toEqual([1])
    expect(filterRuns(runs, { ...EMPTY_FILTER, text: '20 images' }).map((r) => r.id)).toEqual([3])
  })
  it('sorts by a metric with runs lacking it last in both directions', () => {
    expect(sortRuns(runs, { key: 'jaccard', dir: 'desc' }).map((r) => r.id)).toEqual([3, 1, 2, 4])
    expect(sortRuns(runs, { key: 'jaccard', dir: 'asc' }).map((r) => r.id)).toEqual([1, 3, 2, 4])
    expect(sortRuns(runs, { key: 'labels', dir: 'asc' }).map((r) => r.id)).toEqual([4, 3, 1, 2])
  })
  it('sorts by foreground IoU by default: a background-only model ranks below one that finds pets', () => {
    const bgOnly = run(7, { metrics: metrics(0.62, { foregroundIou: 0, iou: [0, 0.93, 0] }) })
    const finds = run(8, { metrics: metrics(0.55, { foregroundIou: 0.6 }) })
    expect(sortRuns([bgOnly, finds], DEFAULT_SORT).map((r) => r.id)).toEqual([8, 7])
    expect(sortRuns([bgOnly, finds], { key: 'iouPet', dir: 'desc' }).map((r) => r.id)).toEqual([8, 7])
  })
  it('a header click sorts metrics best-first, other columns ascending, and flips on a second click', () => {
    expect(nextSort({ key: 'id', dir: 'asc' }, 'f1', METRIC_KEYS)).toEqual({ key: 'f1', dir: 'desc' })
    expect(nextSort({ key: 'id', dir: 'asc' }, 'name', METRIC_KEYS)).toEqual({ key: 'name', dir: 'asc' })
    expect(nextSort({ key: 'name', dir: 'asc' }, 'name', METRIC_KEYS)).toEqual({ key: 'name', dir: 'desc' })
  })
})

describe('queue order and ETA', () => {
  const done = run(1, { startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:40Z', cfg: { epochs: 5 } }) // 20 s/epoch
  const running = run(2, { status: 'running', progress: { epoch: 2, epochs: 5, step: 3, stepsPerEpoch: 10, loss: 0.5, imgPerSec: 12, etaSeconds: 70 } })
  const q1 = run(3, { status: 'queued', queuePosition: 1, cfg: { epochs: 10 } })
  const q0 = run(4, { status: 'queued', queuePosition: 0, cfg: { epochs: 2 } })
  const other = run(5, { status: 'queued', queuePosition: 2, cfg: { imageSize: 128 } })

  it('puts the running run first, then interrupted runs (resumed before the queue), then queued runs by position', () => {
    expect(queueOrder([done, q1, other, running, q0]).map((r) => r.id)).toEqual([2, 4, 3, 5])
    const interrupted = run(6, { status: 'interrupted' })
    const failed = run(7, { status: 'failed' })
    expect(queueOrder([q1, failed, interrupted, running]).map((r) => r.id)).toEqual([2, 6, 3])
  })
  it('estimates queued runs from the most alike finished run and counts the rest as unknown', () => {
    expect(estimateRunSeconds(q1, [done])).toBe(200)
    expect(estimateRunSeconds(other, [done])).toBeNull()
    expect(queueEta([done, running, q1, q0, other])).toEqual({ seconds: 70 + 200 + 40, unknown: 1 })
  })
  it('lays queued runs over the "runs at a time" slots: 2 slots, runs of 10, 20 and 30 min end at 40 min, not 60', () => {
    const minute = run(10, { startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z', cfg: { epochs: 1 } }) // 60 s/epoch
    const q = (id: number, epochs: number) => run(id, { status: 'queued', queuePosition: id, cfg: { epochs } })
    const queued = [minute, q(11, 10), q(12, 20), q(13, 30)]
    // 10 and 20 start at once; 30 takes the slot freed at 10 → 40.
    expect(queueEta(queued, 2)).toEqual({ seconds: 40 * 60, unknown: 0 })
    expect(queueEta(queued, 1)).toEqual({ seconds: 60 * 60, unknown: 0 })
    expect(queueEta(queued, 3)).toEqual({ seconds: 30 * 60, unknown: 0 })
    // A running run holds its slot for its own ETA (5 min): 10 starts at 0, 20 at 5 → 25; 30 at 10 → 40.
    const busy = run(14, { status: 'running', progress: { epoch: 1, epochs: 2, step: 1, stepsPerEpoch: 2, loss: 1, imgPerSec: 1, etaSeconds: 5 * 60 } })
    expect(queueEta([...queued, busy], 2)).toEqual({ seconds: 40 * 60, unknown: 0 })
    expect(queueEta([minute, busy, q(11, 10), q(12, 20)], 2)).toEqual({ seconds: 25 * 60, unknown: 0 })
  })
  it('starts a finetune only when its pretraining run ends, and counts runs beyond a lowered setting', () => {
    const minute = run(20, { startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z', cfg: { epochs: 1 } })
    const eta = (id: number, minutes: number, over = {}) =>
      run(id, { status: 'running', progress: { epoch: 1, epochs: 2, step: 1, stepsPerEpoch: 2, loss: 1, imgPerSec: 1, etaSeconds: minutes * 60 }, ...over })
    const pretrain = eta(21, 30, { kind: 'pretrain', cfg: { kind: 'pretrain' } })
    const finetune = run(22, { status: 'queued', queuePosition: 0, parentRunId: 21, cfg: { epochs: 10 } })
    const other = run(23, { status: 'queued', queuePosition: 1, cfg: { epochs: 10 } })
    // The free slot takes the other run (0–10) and idles until the pretraining ends at 30: 30 + 10 = 40.
    expect(queueEta([minute, pretrain, finetune, other], 2)).toEqual({ seconds: 40 * 60, unknown: 0 })
    // A finetune of a failed pretraining run never trains.
    expect(queueEta([minute, run(24, { status: 'failed' }), run(25, { status: 'queued', queuePosition: 0, parentRunId: 24 })], 2)).toEqual({ seconds: 0, unknown: 0 })
    // Three running (10, 20, 30 min) after lowering the setting to 1: the queued 10-min run starts at 30.
    const three = [minute, eta(26, 10), eta(27, 20), eta(28, 30), other]
    expect(queueEta(three, 1)).toEqual({ seconds: 40 * 60, unknown: 0 })
    expect(queueEta(three, 2)).toEqual({ seconds: 30 * 60, unknown: 0 })
    // Runs without an estimate take no time and are counted: the result is a lower bound.
    expect(queueEta([eta(29, 10), run(30, { status: 'queued', queuePosition: 0, cfg: { imageSize: 256 } })], 2)).toEqual({ seconds: 10 * 60, unknown: 1 })
  })
  it('formats ETAs and budgets for people', () => {
    expect(formatEta(45)).toBe('45 s')
    expect(formatEta(200)).toBe('3 min 20 s')
    expect(formatEta(7500)).toBe('2 h 05 min')
    expect(formatEta(null)).toBe('—')
    expect(labelsText({ mode: 'fraction', fraction: 0.015 })).toBe('1.5 %')
    expect(labelsText({ mode: 'count', count: 1 })).toBe('1 image')
  })
})
