// @vitest-environment happy-dom
// Compare across datasets: the open dataset's runs by default, a picker for another or all of them
// (each run then names its dataset), and a word when the open dataset has none but others do.
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { dataset, fakeApi, settle } from '../renderer/fake-api'
import { $, mount, setValue } from '../renderer/mount'
import { metrics, run } from './fixtures'

// happy-dom has no canvas: stand in for the charts.
vi.mock('vue-echarts', () => ({ default: defineComponent({ setup: () => () => h('div') }) }))
const { default: CompareView } = await import('../../../src/renderer/src/views/CompareView.vue')

const RUNS = [
  run(1, { metrics: metrics(0.5), cfg: { datasetId: 1 } }),
  run(2, { metrics: metrics(0.6), cfg: { datasetId: 2 } }),
  run(3, { metrics: metrics(0.7), cfg: { datasetId: 2 } }),
  run(4, { metrics: metrics(0.4), cfg: { datasetId: 3 } }),
]
const rowIds = (root: HTMLElement) => [...root.querySelectorAll('[data-testid^="run-row-"]')].map((el) => Number(el.getAttribute('data-testid')!.slice(8)))

async function openCompare(openId: number) {
  const api = fakeApi({
    'runs:list': ({ datasetId }) => RUNS.filter((r) => datasetId === undefined || r.config.datasetId === datasetId),
    'datasets:list': () => [dataset({ id: 1, name: 'pets' }), dataset({ id: 2, name: 'pets-relabelled' }), dataset({ id: 3, name: 'demo' })],
  })
  const { root } = mount(CompareView, { api, dataset: dataset({ id: openId }) })
  await settle()
  return root
}

describe('Compare across datasets', () => {
  it("shows the open dataset's runs, another dataset's when picked, and all of them named by dataset", async () => {
    const root = await openCompare(2)
    expect(rowIds(root)).toEqual([3, 2])
    expect($('runs-elsewhere')).toBeNull()
    setValue('compare-dataset', '3')
    await settle()
    expect(rowIds(root)).toEqual([4])
    setValue('compare-dataset', 'all')
    await settle()
    expect(rowIds(root)).toEqual([3, 2, 1, 4])
    expect($('run-dataset-1')!.textContent).toBe('pets')
    expect($('run-dataset-3')!.textContent).toBe('pets-relabelled')
  })

  it('says when the open dataset has no runs but others do, and shows them on a click', async () => {
    const root = await openCompare(9)
    expect(rowIds(root)).toEqual([])
    expect($('runs-elsewhere')!.textContent).toContain('No runs on this dataset; 4 runs on 3 other datasets')
    $<HTMLButtonElement>('show-all-datasets')!.click()
    await settle()
    expect(rowIds(root)).toHaveLength(4)
    expect($('runs-elsewhere')).toBeNull()
  })
})
