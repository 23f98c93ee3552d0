// @vitest-environment happy-dom
// The files the last index could not use are listed under the filters, each with its reason.
import { describe, expect, it } from 'vitest'
import FilterSidebar from '../../../src/renderer/src/components/FilterSidebar.vue'
import { useDatasetStore } from '../../../src/renderer/src/stores/dataset'
import type { IndexSummary } from '../../../src/shared/types/dataset'
import { dataset, facets, fakeApi, settle } from './fake-api'
import { $, get, mount } from './mount'

const summary = (broken: IndexSummary['broken'], datasetId = 1): IndexSummary => ({
  datasetId,
  root: '/pets',
  images: 3,
  labelled: 2,
  splits: { trainval: 3, test: 0, none: 0 },
  skipped: [],
  broken,
  seconds: 1,
})

function mountSidebar(s: IndexSummary): void {
  const api = fakeApi({ 'images:facets': () => facets(), 'images:list': () => [] })
  const { pinia } = mount(FilterSidebar, { api, dataset: dataset({ id: 1 }) })
  useDatasetStore(pinia).lastSummary = s
}

describe('IndexProblems in the filter sidebar', () => {
  it('names each file with what is wrong', async () => {
    mountSidebar(
      summary([
        { file: 'annotations/trimaps/pug_1.png', reason: 'trimap is not a label: value 4 at pixel (0, 0) is not a trimap class' },
        { file: 'images/Bad\\xff\\xfe_1.jpg', reason: 'file name is not valid UTF-8 (rename the file)' },
      ]),
    )
    await settle()
    const box = get('index-problems')
    expect(box.querySelector('summary')!.textContent).toBe('2 files could not be used')
    const rows = [...box.querySelectorAll('li')].map((li) => [li.querySelector('code')!.textContent, li.querySelector('.reason')!.textContent])
    expect(rows).toEqual([
      ['annotations/trimaps/pug_1.png', 'trimap is not a label: value 4 at pixel (0, 0) is not a trimap class'],
      ['images/Bad\\xff\\xfe_1.jpg', 'file name is not valid UTF-8 (rename the file)'],
    ])
  })

  it('shows nothing when every file was usable, or for another dataset', async () => {
    mountSidebar(summary([{ file: 'images/x.jpg', reason: 'empty file' }], 2))
    await settle()
    expect($('index-problems')).toBeNull()
  })
})

describe('skipped files in the filter sidebar', () => {
  it('lists the files skipped on purpose (.mat, ._*) apart from the broken ones', async () => {
    mountSidebar({ ...summary([{ file: 'images/x.jpg', reason: 'empty file' }]), skipped: ['images/Abyssinian_101.mat', 'annotations/trimaps/._pug_1.png'] })
    await settle()
    expect(get('index-problems').querySelector('summary')!.textContent).toBe('1 file could not be used')
    const box = get('index-skipped')
    expect(box.querySelector('summary')!.textContent).toBe('2 files skipped on purpose')
    expect([...box.querySelectorAll('li code')].map((c) => c.textContent)).toEqual(['images/Abyssinian_101.mat', 'annotations/trimaps/._pug_1.png'])
  })
})
