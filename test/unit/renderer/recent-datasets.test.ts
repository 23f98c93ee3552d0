// @vitest-environment happy-dom
// The recent list: the datasets opened before with their image counts, one click to open one again;
// a folder that is gone is marked missing and not tried; the demo is regenerated instead.
import { describe, expect, it } from 'vitest'
import RecentDatasets from '../../../src/renderer/src/components/RecentDatasets.vue'
import { useDatasetStore } from '../../../src/renderer/src/stores/dataset'
import type { IndexSummary } from '../../../src/shared/types/dataset'
import { dataset, fakeApi, settle } from './fake-api'
import { get, mount } from './mount'

const open = dataset({ id: 1, name: 'Oxford-IIIT Pet', root: '/data/pets', imageCount: 7390 })
const other = dataset({ id: 2, name: 'Oxford-IIIT Pet', root: '/data/copy', imageCount: 74 })
const gone = dataset({ id: 3, name: 'old', root: '/mnt/usb/old', missing: true })
const demo = dataset({ id: 4, name: 'demo-dataset', root: '/d/demo-dataset', isDemo: true, missing: true })
const summary = { datasetId: 2, root: '/data/copy', images: 74, labelled: 74, splits: { trainval: 74, test: 0, none: 0 }, skipped: [], broken: [], seconds: 1 } as IndexSummary

function setup() {
  const api = fakeApi({
    'datasets:list': () => [open, other, gone, demo],
    'datasets:open': () => summary,
    'datasets:openDemo': () => summary,
    'datasets:current': () => other,
  })
  const { pinia } = mount(RecentDatasets, { api, dataset: open })
  return { api, store: useDatasetStore(pinia) }
}

const button = (id: number) => get(`recent-${id}`).querySelector('button')!

describe('RecentDatasets', () => {
  it('shows each with its image count, the open one and missing folders marked and not clickable', async () => {
    setup()
    await settle()
    expect(get('recent-1').textContent).toContain('7,390 images')
    expect(get('recent-1').textContent).toContain('open')
    expect(button(1).disabled).toBe(true)
    expect(get('recent-3').textContent).toContain('missing')
    expect(button(3).disabled).toBe(true)
    expect(get('recent-4').textContent).not.toContain('missing')
  })

  it('opens a dataset again with one click, and the demo through openDemo', async () => {
    const { api, store } = setup()
    await settle()
    button(2).click()
    await settle()
    expect(api.calls.find((c) => c.channel === 'datasets:open')?.arg).toEqual({ path: '/data/copy' })
    expect(store.info?.id).toBe(2)
    button(4).click()
    await settle()
    expect(api.calls.some((c) => c.channel === 'datasets:openDemo')).toBe(true)
  })

  it('says why the list is not there instead of raising an alert', async () => {
    const api = fakeApi({})
    mount(RecentDatasets, { api })
    await settle()
    expect(get('recent-datasets').textContent).toContain('Could not list them: no fake for datasets:list')
  })
})
