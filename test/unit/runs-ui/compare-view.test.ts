// @vitest-environment happy-dom
// The compare view in a DOM: header clicks sort, filters narrow, grouping shows mean ± std,
// two selected runs are diffed, lineage jumps to the pretraining run, paper tables fill in.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { dataset, fakeApi, settle, type FakeApi } from '../renderer/fake-api'
import { detail, metrics, run } from './fixtures'
import { $, mount, setValue } from '../renderer/mount'

// happy-dom has no canvas: stand in for the chart with an element that records its option.
vi.mock('vue-echarts', () => ({
  default: defineComponent({
    props: { option: { type: Object, required: true } },
    setup: (props) => () => h('div', { 'data-chart': JSON.stringify(props.option).length }),
  }),
}))
const { default: CompareView } = await import('../../../src/renderer/src/views/CompareView.vue')

let api: FakeApi
let root: HTMLElement
const rowIds = () => [...root.querySelectorAll('[data-testid^="run-row-"]')].map((el) => Number(el.getAttribute('data-testid')!.slice(8)))

const RUNS = [
  run(1, { kind: 'pretrain', cfg: { kind: 'pretrain', labels: undefined, tag: 'Paper Table 1 · SimCLR pretraining' } }),
  run(2, { parentRunId: 1, metrics: metrics(0.6), cfg: { tag: 'Paper Table 1 · SimCLR', seed: 1 } }),
  run(3, { parentRunId: 1, metrics: metrics(0.7), cfg: { tag: 'Paper Table 1 · SimCLR', seed: 2 } }),
  run(4, { status: 'failed', error: 'out of memory', cfg: { method: 'mae-patch', frozenEncoder: false } }),
  // Predicts background everywhere: a fine class-averaged Jaccard, no pet found.
  run(5, { metrics: metrics(0.8, { foregroundIou: 0, iou: [0, 0.9, null] }), cfg: { method: 'mae-pixel' } }),
]

beforeEach(async () => {
  api = fakeApi({ 'runs:list': () => RUNS, 'runs:get': ({ id }) => detail(RUNS.find((r) => r.id === id)!) })
  root = mount(CompareView, { api, dataset: dataset({ id: 1 }) }).root
  await settle()
})

describe('CompareView', () => {
  it('lists the best foreground IoU first, so a background-only model does not head it; a header click re-sorts', async () => {
    expect(rowIds()).toEqual([3, 2, 5, 1, 4])
    expect($('sort-foregroundIou')!.closest('th')!.getAttribute('aria-sort')).toBe('descending')
    expect($('run-row-5')!.textContent).toContain('0.000')
    $<HTMLButtonElement>('sort-jaccard')!.click()
    await settle()
    // Runs without metrics go last whichever the direction, by id.
    expect(rowIds()).toEqual([5, 3, 2, 1, 4])
    expect($('sort-jaccard')!.closest('th')!.getAttribute('aria-sort')).toBe('descending')
    $<HTMLButtonElement>('sort-jaccard')!.click()
    await settle()
    expect(rowIds()).toEqual([2, 3, 5, 1, 4])
    $<HTMLButtonElement>('sort-id')!.click()
    await settle()
    expect(rowIds()).toEqual([1, 2, 3, 4, 5])
  })

  it('says how the metrics are computed, under the table', () => {
    expect(root.textContent).toContain('a class absent from both truth and prediction is left out')
    expect(root.textContent).toContain('test batches of 32 images')
  })

  it('filters by status and by text', async () => {
    setValue('filter-status', 'failed')
    await settle()
    expect(rowIds()).toEqual([4])
    setValue('filter-status', '')
    await settle()
    setValue('filter-text', 'pretraining')
    await settle()
    expect(rowIds()).toEqual([1])
  })

  it('groups by a config field with mean ± std over seeds', async () => {
    setValue('group-by', 'method')
    await settle()
    const simclr = $('group-SimCLR')!
    // Jaccard 0.6 and 0.7: mean 0.650, sample std 0.0707
    expect(simclr.textContent).toContain('0.650 ± 0.071')
    expect($('group-MAE patch')!.textContent).toContain('—')
  })

  it('refuses to average a group whose runs differ in more than the seed, and lists them instead', async () => {
    setValue('group-by', 'kind')
    await settle()
    const finetunes = $('group-finetune')!
    expect(finetunes.textContent).toContain('Not averaged: these runs differ in method')
    expect(finetunes.textContent).toContain('#5 · MAE pixel')
    expect(finetunes.textContent).not.toMatch(/±/)
  })

  it('diffs the first two selected runs and loads their curves', async () => {
    for (const id of [2, 4]) {
      root.querySelector<HTMLInputElement>(`input[aria-label="Select run #${id}"]`)!.click()
      await settle()
    }
    expect($('config-diff')!.textContent).toContain('#2 vs #4')
    expect($('diff-method')!.textContent).toContain('MAE patch')
    expect($('diff-frozenEncoder')!.textContent).toContain('trainable')
    expect($('diff-seed')).toBeNull()
    expect(api.calls.filter((c) => c.channel === 'runs:get').map((c) => c.arg)).toEqual(expect.arrayContaining([{ id: 2 }, { id: 4 }]))
  })

  it('jumps from a finetune to its pretraining run, clearing a filter that hid it', async () => {
    setValue('filter-kind', 'finetune')
    await settle()
    expect(rowIds()).not.toContain(1)
    $<HTMLButtonElement>('lineage-2')!.click()
    await settle()
    expect(rowIds()).toContain(1)
    expect($('run-row-1')!.classList.contains('focused')).toBe(true)
  })

  it('names each chart picker and retitles or redraws its chart when it changes', async () => {
    const figure = (chart: string) => $(chart)!.querySelector('figure')!.getAttribute('aria-label')
    const pickName = (id: string) => $(id)!.closest('label')!.firstChild!.textContent!.trim()
    expect(['overlay-metric', 'labels-metric', 'heatmap-method', 'heatmap-metric'].map(pickName)).toEqual(['Curve', 'Metric', 'Method', 'Metric'])
    expect([...$<HTMLSelectElement>('labels-metric')!.options].map((o) => o.textContent)).toEqual(['F1', 'Jaccard', 'Mean IoU', 'Foreground IoU', 'Pixel accuracy'])
    expect(figure('curves-overlay')).toBe('Training loss per epoch, selected runs')
    setValue('overlay-metric', 'jaccard')
    setValue('labels-metric', 'f1')
    await settle()
    expect(figure('curves-overlay')).toBe('Jaccard per epoch, selected runs')
    expect(figure('labels-plot')).toMatch(/^F1 vs number of labelled images/)
    expect($('ablation-heatmap')!.querySelector('[data-chart]')).not.toBeNull()
    setValue('heatmap-method', 'mae-patch')
    await settle()
    expect(figure('ablation-heatmap')).toMatch(/^Jaccard of MAE patch finetunes/)
    expect($('ablation-heatmap')!.textContent).toContain('No finished finetunes of this method')
  })

  it('shows our Table 1 runs beside the paper\'s numbers', () => {
    const row = $('table1-simclr')!.textContent!
    expect(row).toContain('0.650 ± 0.071 (n=2)')
    expect(row).toContain('0.775')
    expect($('table2-0-0')!.textContent).toContain('(0.706)')
  })
})
