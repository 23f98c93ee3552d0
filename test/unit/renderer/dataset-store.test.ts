// The dataset store: first start opens the demo, opening reports progress and errors, Electron picking.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { setApi } from '../../../src/renderer/src/api'
import { useDatasetStore } from '../../../src/renderer/src/stores/dataset'
import { useErrorStore } from '../../../src/renderer/src/stores/errors'
import type { IndexSummary } from '../../../src/shared/types/dataset'
import { AppError } from '../../../src/shared/errors'
import { dataset, fakeApi, settle } from './fake-api'

const summary: IndexSummary = {
  datasetId: 1,
  root: '/demo',
  images: 370,
  labelled: 360,
  splits: { trainval: 180, test: 180, none: 10 },
  skipped: [],
  broken: [],
  seconds: 1,
}
const appInfo = (canPickFiles: boolean) => ({ version: '0.1.0', mode: 'web' as const, dataDir: '/d', canPickFiles })

beforeEach(() => setActivePinia(createPinia()))

describe('dataset store', () => {
  it('opens the demo on a first start, when no dataset was opened before', async () => {
    let current: ReturnType<typeof dataset> | null = null
    const api = fakeApi({
      'app:info': () => appInfo(false),
      'datasets:current': () => current,
      'datasets:openDemo': () => {
        current = dataset({ name: 'demo', isDemo: true })
        return summary
      },
    })
    setApi(api)
    const s = useDatasetStore()
    await s.init()
    expect(api.calls.map((c) => c.channel)).toEqual(['app:info', 'datasets:current', 'datasets:openDemo', 'datasets:current'])
    expect(s.info?.name).toBe('demo')
    expect(s.lastSummary).toEqual(summary)
  })

  it('re-opens nothing when a dataset is already current', async () => {
    const api = fakeApi({ 'app:info': () => appInfo(false), 'datasets:current': () => dataset() })
    setApi(api)
    await useDatasetStore().init()
    expect(api.calls.map((c) => c.channel)).not.toContain('datasets:openDemo')
  })

  it('shows progress events while opening, and clears them after', async () => {
    let finish: () => void = () => undefined
    const api = fakeApi({
      'app:info': () => appInfo(false),
      'datasets:current': () => dataset(),
      'datasets:open': () => new Promise((r) => (finish = () => r(summary))),
    })
    setApi(api)
    const s = useDatasetStore()
    await s.init()
    const opening = s.openFolder('/data/pets')
    await settle()
    expect(s.busy).toBe(true)
    api.emit('dataset:progress', { phase: 'thumbnails', done: 10, total: 20, message: '' })
    expect(s.progress).toMatchObject({ phase: 'thumbnails', done: 10 })
    finish()
    await expect(opening).resolves.toBe(true)
    expect(s.busy).toBe(false)
    expect(s.progress).toBeNull()
  })

  it('puts the service error message in the alert list and keeps the current dataset', async () => {
    const api = fakeApi({
      'app:info': () => appInfo(false),
      'datasets:current': () => dataset({ name: 'kept' }),
      'datasets:open': () => Promise.reject(new AppError('NOT_A_DATASET', '/tmp: images/ is missing')),
    })
    setApi(api)
    const s = useDatasetStore()
    await s.init()
    await expect(s.openFolder('/tmp')).resolves.toBe(false)
    expect(useErrorStore().errors).toMatchObject([{ context: 'Could not open the dataset', message: '/tmp: images/ is missing' }])
    expect(s.info?.name).toBe('kept')
  })

  it('in Electron, opens what the native dialog picked, and nothing when it is cancelled', async () => {
    let picked: string[] | null = ['/a/images.tar.gz', '/a/annotations.tar.gz']
    const api = fakeApi({
      'app:info': () => appInfo(true),
      'datasets:current': () => dataset(),
      'app:pick': () => picked,
      'datasets:import': () => summary,
    })
    setApi(api)
    const s = useDatasetStore()
    await s.init()
    expect(s.canPickFiles).toBe(true)
    await expect(s.pickAndOpen('archives')).resolves.toBe(true)
    expect(api.calls.find((c) => c.channel === 'datasets:import')?.arg).toEqual({ archives: picked })
    picked = null
    const before = api.calls.length
    await expect(s.pickAndOpen('folder')).resolves.toBe(false)
    expect(api.calls.slice(before).map((c) => c.channel)).toEqual(['app:pick'])
  })

  it('follows datasets opened elsewhere (menu) through the dataset:opened event', async () => {
    const api = fakeApi({ 'app:info': () => appInfo(false), 'datasets:current': () => dataset() })
    setApi(api)
    const s = useDatasetStore()
    await s.init()
    api.emit('dataset:opened', dataset({ id: 8, name: 'from menu' }))
    expect(s.info).toMatchObject({ id: 8, name: 'from menu' })
    s.stopListening()
    expect(api.listenerCount()).toBe(0)
  })
})
