// @vitest-environment happy-dom
// The header's "N labelled" follows label edits: 'labels:changed' re-reads the dataset, once per burst.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import { setApi } from '../../../src/renderer/src/api'
import { COUNTS_REFRESH_MS, useDatasetStore } from '../../../src/renderer/src/stores/dataset'
import { useErrorStore } from '../../../src/renderer/src/stores/errors'
import AppHeader from '../../../src/renderer/src/components/AppHeader.vue'
import { AppError } from '../../../src/shared/errors'
import { dataset, fakeApi, settle } from './fake-api'
import { mount } from './mount'

const appInfo = { version: '0.1.0', mode: 'web' as const, dataDir: '/d', canPickFiles: false }

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.useRealTimers())

/** A fake whose labelled count is whatever the test sets, like the server's live COUNT over labels. */
function countingApi() {
  const state = { labelled: 2, fail: false }
  const api = fakeApi({
    'app:info': () => appInfo,
    'datasets:current': () => {
      if (state.fail) throw new AppError('INTERNAL', 'database is locked')
      return dataset({ labelledCount: state.labelled })
    },
  })
  setApi(api)
  return { api, state }
}

const currentReads = (api: ReturnType<typeof fakeApi>) => api.calls.filter((c) => c.channel === 'datasets:current').length

describe('dataset counts after label changes', () => {
  it('re-reads the dataset once for a burst of label changes, after the debounce', async () => {
    const { api, state } = countingApi()
    const s = useDatasetStore()
    await s.init()
    vi.useFakeTimers()
    const before = currentReads(api)
    state.labelled = 3
    api.emit('labels:changed', { imageId: 7, label: 'edited' })
    api.emit('labels:changed', { imageId: 7, label: 'edited' })
    await vi.advanceTimersByTimeAsync(COUNTS_REFRESH_MS - 50)
    api.emit('labels:changed', { imageId: 8, label: 'edited' })
    await vi.advanceTimersByTimeAsync(COUNTS_REFRESH_MS - 50)
    expect(currentReads(api)).toBe(before)
    expect(s.info?.labelledCount).toBe(2)
    await vi.advanceTimersByTimeAsync(100)
    expect(currentReads(api)).toBe(before + 1)
    expect(s.info?.labelledCount).toBe(3)
  })

  it('counts down when a label is reverted to nothing', async () => {
    const { api, state } = countingApi()
    const s = useDatasetStore()
    await s.init()
    vi.useFakeTimers()
    state.labelled = 1
    api.emit('labels:changed', { imageId: 7, label: null })
    await vi.advanceTimersByTimeAsync(COUNTS_REFRESH_MS)
    expect(s.info?.labelledCount).toBe(1)
  })

  it('stops refreshing after stopListening, and reports a failed re-read without losing the counts', async () => {
    const { api, state } = countingApi()
    const s = useDatasetStore()
    await s.init()
    vi.useFakeTimers()
    state.fail = true
    api.emit('labels:changed', { imageId: 7, label: 'edited' })
    await vi.advanceTimersByTimeAsync(COUNTS_REFRESH_MS)
    expect(useErrorStore().errors).toMatchObject([{ context: 'Could not refresh the dataset counts', message: 'database is locked' }])
    expect(s.info?.labelledCount).toBe(2)
    state.fail = false
    api.emit('labels:changed', { imageId: 7, label: 'edited' })
    s.stopListening()
    const before = currentReads(api)
    await vi.advanceTimersByTimeAsync(COUNTS_REFRESH_MS * 2)
    expect(currentReads(api)).toBe(before)
  })

  it('shows the new count in the header', async () => {
    const { api, state } = countingApi()
    const { root } = mount(AppHeader, { api })
    await useDatasetStore().init()
    await nextTick()
    const summary = () => root.querySelector('[data-testid="dataset-summary"]')?.textContent ?? ''
    expect(summary()).toContain('2 labelled')
    state.labelled = 3
    api.emit('labels:changed', { imageId: 9, label: 'edited' })
    await new Promise((r) => setTimeout(r, COUNTS_REFRESH_MS + 20))
    await settle()
    await nextTick()
    expect(summary()).toContain('3 labelled')
  })
})
