// The runs store against a fake client: loads, follows 'runs:changed' and 'runs:progress' events
// without polling, refetches a shown detail when an epoch ends, and sends the queue actions.
import { beforeEach, describe, expect, it } from 'vitest'
import { computed } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import { setApi } from '../../../src/renderer/src/api'
import { useRunsStore } from '../../../src/renderer/src/stores/runs'
import { useErrorStore } from '../../../src/renderer/src/stores/errors'
import { AppError } from '../../../src/shared/errors'
import type { RunProgress } from '../../../src/shared/types/runs'
import { fakeApi, settle, type FakeApi } from '../renderer/fake-api'
import { detail, run } from './fixtures'

let api: FakeApi
const progress = (epoch: number, step: number): RunProgress => ({ epoch, epochs: 3, step, stepsPerEpoch: 4, loss: 0.5, imgPerSec: 10, etaSeconds: 30 })

beforeEach(() => {
  setActivePinia(createPinia())
  api = fakeApi({
    // Newest first, as the service lists them.
    'runs:list': () => [run(3, { status: 'queued', queuePosition: 1 }), run(2, { status: 'queued', queuePosition: 0 }), run(1, { status: 'running' })],
    'runs:get': ({ id }) => detail(run(id), { epochs: [{ epoch: 1, loss: 0.4, seconds: 3, metrics: null }] }),
    'runs:reorder': ({ id, position }) => [run(id, { status: 'queued', queuePosition: position })],
    'runs:cancel': () => {
      throw new AppError('NOT_FOUND', 'run #9 does not exist')
    },
  })
  setApi(api)
})

describe('useRunsStore', () => {
  it('loads the dataset\'s runs and orders the queue', async () => {
    const store = useRunsStore()
    await store.load(1)
    expect(api.calls[0]).toEqual({ channel: 'runs:list', arg: { datasetId: 1 } })
    expect(store.queue.map((r) => r.id)).toEqual([1, 2, 3])
    expect(store.running?.id).toBe(1)
  })

  it('applies runs:changed events: new runs appear first, changed ones are replaced, other datasets ignored', async () => {
    const store = useRunsStore()
    await store.load(1)
    const listCalls = api.calls.length
    api.emit('runs:changed', run(1, { status: 'done' }))
    api.emit('runs:changed', run(4, { status: 'queued', queuePosition: 2 }))
    api.emit('runs:changed', run(5, { cfg: { datasetId: 2 } }))
    expect(store.runs.map((r) => [r.id, r.status])).toEqual([[4, 'queued'], [3, 'queued'], [2, 'queued'], [1, 'done']])
    expect(store.running).toBeNull()
    expect(api.calls.length).toBe(listCalls) // no polling, no reload
  })

  it('applies runs:progress: progress on the run, loss points appended, detail refetched when an epoch ends', async () => {
    const store = useRunsStore()
    await store.load(1)
    await store.fetchDetail(1)
    api.emit('runs:progress', { runId: 1, progress: progress(1, 1), lossPoint: { step: 1, loss: 0.9 } })
    api.emit('runs:progress', { runId: 1, progress: progress(1, 2), lossPoint: { step: 2, loss: 0.8 } })
    api.emit('runs:progress', { runId: 1, progress: progress(1, 3) })
    expect(store.byId.get(1)?.progress?.step).toBe(3)
    expect(store.lossPoints.get(1)).toEqual([{ x: 1, loss: 0.9 }, { x: 2, loss: 0.8 }])
    const gets = () => api.calls.filter((c) => c.channel === 'runs:get').length
    expect(gets()).toBe(1)
    api.emit('runs:progress', { runId: 1, progress: progress(2, 1), lossPoint: { step: 5, loss: 0.6 } })
    await settle()
    expect(gets()).toBe(2)
  })

  it('a chart built from the live points sees every new point (not one stale array)', async () => {
    const store = useRunsStore()
    await store.load(1)
    // Two computeds deep, as in the live-curves view: points for the run, then the chart's data.
    const points = computed(() => store.lossPoints.get(1) ?? [])
    const count = computed(() => points.value.length)
    api.emit('runs:progress', { runId: 1, progress: progress(1, 1), lossPoint: { step: 1, loss: 0.9 } })
    expect(count.value).toBe(1)
    api.emit('runs:progress', { runId: 1, progress: progress(1, 2), lossPoint: { step: 2, loss: 0.8 } })
    expect(count.value).toBe(2)
  })

  it('moves a queued run by one place with runs:reorder, and not past the ends', async () => {
    const store = useRunsStore()
    await store.load(1)
    await store.move(3, -1)
    expect(api.calls.at(-1)).toEqual({ channel: 'runs:reorder', arg: { id: 3, position: 0 } })
    const n = api.calls.length
    await store.move(2, -1)
    await store.move(3, 1)
    expect(api.calls.length).toBe(n)
  })

  it('reports a failed action in the error region with the service\'s message', async () => {
    const store = useRunsStore()
    await store.load(1)
    expect(await store.cancel(9)).toBeNull()
    expect(useErrorStore().errors).toEqual([expect.objectContaining({ context: 'Could not cancel run #9', message: 'run #9 does not exist', code: 'NOT_FOUND' })])
  })

  it('cancelling a running run: marked as stopping until the cancelled event, never set back to running', async () => {
    let answer = run(1, { status: 'running' })
    api = fakeApi({
      'runs:list': () => [run(1, { status: 'running' })],
      // The service answers while the worker is still stopping.
      'runs:cancel': () => answer,
    })
    setApi(api)
    const store = useRunsStore()
    await store.load(1)
    await store.cancel(1)
    expect(store.cancelling.has(1)).toBe(true)
    api.emit('runs:changed', run(1, { status: 'cancelled' }))
    expect(store.byId.get(1)?.status).toBe('cancelled')
    expect(store.cancelling.has(1)).toBe(false)
    // The event can also come before the answer: the older answer must not undo it.
    api.emit('runs:changed', run(1, { status: 'running' }))
    answer = run(1, { status: 'running' })
    const pending = store.cancel(1)
    api.emit('runs:changed', run(1, { status: 'cancelled' }))
    await pending
    expect(store.byId.get(1)?.status).toBe('cancelled')
    expect(store.cancelling.has(1)).toBe(false)
  })

  it('a retried run starts a fresh live curve; new runs from an answer are merged at once', async () => {
    api = fakeApi({
      'runs:list': () => [run(1, { status: 'cancelled' })],
      'runs:retry': ({ id }) => run(id, { status: 'queued' }),
      'runs:pipeline': () => [run(1, { status: 'done', kind: 'pretrain' }), run(2, { status: 'queued', parentRunId: 1 })],
    })
    setApi(api)
    const store = useRunsStore()
    await store.load(1)
    api.emit('runs:progress', { runId: 1, progress: progress(1, 1), lossPoint: { step: 1, loss: 0.9 } })
    expect(store.lossPoints.get(1)?.length).toBe(1)
    await store.retry(1)
    api.emit('runs:changed', run(1, { status: 'queued' }))
    expect(store.lossPoints.has(1)).toBe(false)
    await store.pipeline({ pretrain: null, reusePretrainRunId: 1, finetune: run(2).config })
    expect(store.runs.map((r) => r.id)).toEqual([2, 1])
  })

  it('lays the queue ETA over the service\'s runs-at-a-time setting, and keeps it when a change is refused', async () => {
    let max = 1
    api = fakeApi({
      // Runs of 10, 20 and 30 minutes, estimated from a finished run of one minute per epoch.
      'runs:list': () => [
        run(4, { status: 'queued', queuePosition: 2, cfg: { epochs: 30 } }),
        run(3, { status: 'queued', queuePosition: 1, cfg: { epochs: 20 } }),
        run(2, { status: 'queued', queuePosition: 0, cfg: { epochs: 10 } }),
        run(1, { startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z', cfg: { epochs: 1 } }),
      ],
      'runs:concurrency': () => ({ max, limit: 2, running: [] }),
      'runs:setConcurrency': ({ max: m }) => {
        if (m > 2) throw new AppError('BAD_INPUT', `runs at a time can be at most 2 here (one per core), not ${m}`)
        max = m
        return { max, limit: 2, running: [] }
      },
    })
    setApi(api)
    const store = useRunsStore()
    await store.load(1)
    expect(store.eta).toEqual({ seconds: 60 * 60, unknown: 0 })
    await store.loadConcurrency()
    expect(store.concurrency?.max).toBe(1)
    await store.setConcurrency(2)
    expect(store.eta).toEqual({ seconds: 40 * 60, unknown: 0 })
    await store.setConcurrency(3)
    expect(store.concurrency?.max).toBe(2)
    expect(store.eta.seconds).toBe(40 * 60)
    expect(useErrorStore().errors).toEqual([expect.objectContaining({ context: 'Could not change the runs-at-a-time setting', code: 'BAD_INPUT' })])
  })

  it('stops listening on request', async () => {
    const store = useRunsStore()
    await store.load(1)
    expect(api.listenerCount()).toBe(3)
    store.stopListening()
    expect(api.listenerCount()).toBe(0)
  })

  it('drops deleted runs, and archived ones unless "show archived" is on, which lists them again', async () => {
    const store = useRunsStore()
    await store.load(1)
    api.emit('runs:deleted', { ids: [3] })
    api.emit('runs:changed', { ...run(2, { status: 'cancelled' }), archived: true })
    expect(store.runs.map((r) => r.id)).toEqual([1])
    await store.setShowArchived(true)
    expect(api.calls.at(-1)).toEqual({ channel: 'runs:list', arg: { datasetId: 1, includeArchived: true } })
  })
})
