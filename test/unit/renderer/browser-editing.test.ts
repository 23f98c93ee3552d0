// The browser store's editing state: which image the editor shows, leaving it, and next/previous
// going on from where an image was after an edit dropped it from the filtered list.
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { setApi } from '../../../src/renderer/src/api'
import { useBrowserStore } from '../../../src/renderer/src/stores/browser'
import { facets, fakeApi, type FakeApi, image, settle } from './fake-api'

let listed = [1, 2, 3, 4]
let api: FakeApi
beforeEach(() => {
  listed = [1, 2, 3, 4]
  setActivePinia(createPinia())
  api = fakeApi({ 'images:list': () => listed.map((id) => image(id)), 'images:facets': () => facets() })
  setApi(api)
})

const lists = (): number => api.calls.filter((c) => c.channel === 'images:list').length

async function store() {
  const s = useBrowserStore()
  s.setDataset(1)
  await settle()
  return s
}

describe('browser store: editing', () => {
  it('edit(id) selects the image and opens it in the editor; edit(null) leaves the selection', async () => {
    const s = await store()
    expect(s.editingId).toBeNull()
    s.edit(3)
    expect([s.selectedId, s.editingId]).toEqual([3, 3])
    s.step(1)
    expect([s.selectedId, s.editingId]).toEqual([4, 4])
    s.edit(null)
    expect([s.selectedId, s.editingId]).toEqual([4, null])
    s.edit(2)
    s.select(null)
    expect(s.editingId).toBeNull()
  })

  it('steps on from the old position when the edited image leaves the filtered list', async () => {
    const s = await store()
    s.edit(2)
    listed = [1, 3, 4] // e.g. the Unlabelled filter, after image 2 was saved
    await s.load()
    expect(s.selectedIndex).toBe(-1)
    expect(s.canStep(1)).toBe(true)
    expect(s.step(1)).toBe(true)
    expect(s.selectedId).toBe(3)

    s.edit(3)
    listed = [1, 4]
    await s.load()
    expect(s.step(-1)).toBe(true)
    expect(s.selectedId).toBe(1)
    expect(s.canStep(-1)).toBe(false)
  })

  it('a new dataset closes the editor', async () => {
    const s = await store()
    s.edit(2)
    s.setDataset(7)
    expect(s.editingId).toBeNull()
  })

  it('re-lists on label changes at once in the browser, but only after the editor closes while editing', async () => {
    const s = await store()
    const base = lists()
    s.labelsChanged()
    await settle()
    expect(lists()).toBe(base + 1)
    s.edit(2)
    s.labelsChanged()
    s.labelsChanged()
    await settle()
    expect(lists()).toBe(base + 1)
    s.edit(null)
    await settle()
    expect(lists()).toBe(base + 2)
    // Closing the selection (which leaves the editor too) also re-lists; without changes nothing is re-read.
    s.edit(3)
    s.labelsChanged()
    s.select(null)
    await settle()
    expect(lists()).toBe(base + 3)
    s.edit(1)
    s.edit(null)
    await settle()
    expect(lists()).toBe(base + 3)
  })
})
