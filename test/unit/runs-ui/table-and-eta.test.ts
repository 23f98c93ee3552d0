// The compare table's filter/sort rules, queue order and ETA, and the text formats the views show.
import { describe, expect, it } from 'vitest'
import { EMPTY_FILTER, filterRuns, nextSort, sortRuns } from '../../../src/renderer/src/lib/runs/table'
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
  it('formats ETAs and budgets for people', () => {
    expect(formatEta(45)).toBe('45 s')
    expect(formatEta(200)).toBe('3 min 20 s')
    expect(formatEta(7500)).toBe('2 h 05 min')
    expect(formatEta(null)).toBe('—')
    expect(labelsText({ mode: 'fraction', fraction: 0.015 })).toBe('1.5 %')
    expect(labelsText({ mode: 'count', count: 1 })).toBe('1 image')
  })
})
