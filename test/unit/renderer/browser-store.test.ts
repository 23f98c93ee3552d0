// The browser store: filters → queries sent to the service, stale answers dropped, stepping.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { setApi } from '../../../src/renderer/src/api'
import { useBrowserStore } from '../../../src/renderer/src/stores/browser'
import { useErrorStore } from '../../../src/renderer/src/stores/errors'
import type { ImageQueryArgs } from '../../../src/shared/api'
import { AppError } from '../../../src/shared/errors'
import { facets, fakeApi, image, settle, type FakeApi } from './fake-api'

let api: FakeApi
beforeEach(() => {
  setActivePinia(createPinia())
  api = fakeApi({
    'images:list': (q) => (q.species === 'dog' ? [image(9, { species: 'dog' })] : [image(1), image(2), image(3)]),
    'images:facets': () => facets(),
  })
  setApi(api)
})

const listQueries = () => api.calls.filter((c) => c.channel === 'images:list').map((c) => c.arg as ImageQueryArgs)

describe('browser store', () => {
  it('loads list and facets for the dataset it is given', async () => {
    const s = useBrowserStore()
    s.setDataset(5)
    await settle()
    expect(listQueries()).toEqual([{ datasetId: 5 }])
    expect(api.calls.some((c) => c.channel === 'images:facets')).toBe(true)
    expect(s.images.map((i) => i.id)).toEqual([1, 2, 3])
    expect(s.facets?.total).toBe(3)
  })

  it('sends each filter change as a query and clears them all', async () => {
    const s = useBrowserStore()
    s.setDataset(5)
    await settle()
    s.filters.species = 'dog'
    s.filters.label = 'unlabelled'
    s.filters.search = ' beagle '
    await settle()
    expect(listQueries().at(-1)).toEqual({ datasetId: 5, species: 'dog', label: 'unlabelled', search: 'beagle' })
    expect(s.images.map((i) => i.id)).toEqual([9])
    s.clearFilters()
    await settle()
    expect(listQueries().at(-1)).toEqual({ datasetId: 5 })
  })

  it('keeps the answer of the latest query when an older one arrives late', async () => {
    let release: () => void = () => undefined
    const slow = new Promise<void>((r) => (release = r))
    api = fakeApi({
      'images:list': async (q) => {
        if (!q.species) await slow
        return q.species ? [image(7)] : [image(1)]
      },
      'images:facets': () => facets(),
    })
    setApi(api)
    setActivePinia(createPinia())
    const s = useBrowserStore()
    s.setDataset(1)
    await settle()
    s.filters.species = 'cat'
    await settle()
    release()
    await settle()
    expect(s.images.map((i) => i.id)).toEqual([7])
    expect(s.loading).toBe(false)
  })

  it('steps the selection through the filtered list and stops at the ends', async () => {
    const s = useBrowserStore()
    s.setDataset(1)
    await settle()
    s.select(2)
    expect(s.selectedIndex).toBe(1)
    expect(s.step(1)).toBe(true)
    expect(s.selectedId).toBe(3)
    expect(s.step(1)).toBe(false)
    expect(s.selectedId).toBe(3)
    s.select(1)
    expect(s.step(-1)).toBe(false)
  })

  it('resets filters and selection when the dataset changes', async () => {
    const s = useBrowserStore()
    s.setDataset(1)
    s.filters.breed = 'beagle'
    s.select(2)
    s.setDataset(2)
    expect(s.filters.breed).toBe('')
    expect(s.selectedId).toBeNull()
    await settle()
    expect(listQueries().at(-1)).toEqual({ datasetId: 2 })
  })

  it('reports a failed listing with the service message', async () => {
    setApi(fakeApi({ 'images:list': () => Promise.reject(new AppError('IO_ERROR', 'database is locked')), 'images:facets': () => facets() }))
    setActivePinia(createPinia())
    useBrowserStore().setDataset(1)
    await settle()
    expect(useErrorStore().errors).toMatchObject([{ context: 'Could not list the images', message: 'database is locked', code: 'IO_ERROR' }])
  })
})
