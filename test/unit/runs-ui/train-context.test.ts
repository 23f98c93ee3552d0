// @vitest-environment happy-dom
// The Train tab keeps its context: the template preview (reuse shown, one refused run blocks all),
// the form kept across a reload (a corrupt one falls back to the defaults), the just-queued run
// marked in the queue, finished results with the kept epoch, and one display name for a renamed run.
import { beforeEach, describe, expect, it } from 'vitest'
import TrainingView from '../../../src/renderer/src/views/TrainingView.vue'
import { loadTraining, saveTraining, STORAGE_KEY } from '../../../src/renderer/src/lib/runs/form-storage'
import { sortRuns } from '../../../src/renderer/src/lib/runs/table'
import type { BatchPlan } from '../../../src/shared/run-batch'
import { runDisplayName } from '../../../src/shared/run-text'
import { CPU_DEFAULTS } from '../../../src/shared/train-form'
import type { RunSummary } from '../../../src/shared/types/runs'
import { dataset, fakeApi, settle, type FakeApi } from '../renderer/fake-api'
import { $, mount, setValue } from '../renderer/mount'
import { batchPlan, metrics, plan, queuedBatch, run } from './fixtures'

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))
let api: FakeApi
let root: HTMLElement

async function open(runs: RunSummary[] = [], planMany?: (items: Parameters<typeof batchPlan>[0]) => BatchPlan): Promise<void> {
  api = fakeApi({
    'runs:list': () => runs,
    'runs:plan': () => plan(),
    'runs:planMany': ({ items }) => (planMany ?? batchPlan)(items),
    'runs:queueMany': ({ items }) => queuedBatch(items),
  })
  root = mount(TrainingView, { api, dataset: dataset({ id: 1 }) }).root
  await wait(350)
  await settle()
}

beforeEach(() => localStorage.clear())

describe('template preview', () => {
  it('lists the runs a sweep would queue, the pretraining it reuses, and queues only on "Queue all"', async () => {
    const reusing = (items: Parameters<typeof batchPlan>[0]): BatchPlan => {
      const p = batchPlan(items)
      return { ...p, newPretrains: 0, reused: [7], items: p.items.map((it) => ({ ...it, pretrain: { action: 'reuse', runId: 7, name: 'SimCLR pretraining', status: 'done' } })) }
    }
    await open([], reusing)
    setValue('sweep-counts', '10, 50')
    setValue('sweep-seeds', '1')
    await settle()
    $<HTMLButtonElement>('template-sweep')!.click()
    await settle()
    expect(root.querySelectorAll('[data-testid^="preview-row-"]')).toHaveLength(2)
    expect($('preview-row-1')!.textContent).toContain('reuses #7 SimCLR pretraining (done)')
    expect($('preview-row-1')!.textContent).toContain('331 (held out 368)')
    expect($('preview-summary')!.textContent).toContain('reuses #7 instead of pretraining again')
    expect(api.calls.some((c) => c.channel === 'runs:queueMany')).toBe(false)
    $<HTMLButtonElement>('preview-queue')!.click()
    await settle()
    expect(api.calls.filter((c) => c.channel === 'runs:queueMany')).toHaveLength(1)
    expect($('template-preview')).toBeNull()
  })

  it('a sweep with one count above the pool is refused whole: it says why and queues nothing', async () => {
    const tooMany = (items: Parameters<typeof batchPlan>[0]) =>
      batchPlan(items, (it) => (it.finetune.labels?.mode === 'count' && it.finetune.labels.count > 3312 ? ['N = 5000 is above the 3312 labelled images'] : []))
    await open([], tooMany)
    setValue('sweep-counts', '10, 5000')
    await settle()
    $<HTMLButtonElement>('template-sweep')!.click()
    await settle()
    expect($('preview-summary')!.textContent).toContain('Nothing will be queued: 3 of 6 runs would be refused')
    expect($('preview-row-4')!.textContent).toContain('Refused: N = 5000 is above the 3312 labelled images')
    expect($('preview-row-1')!.querySelector('[data-testid="preview-problems"]')).toBeNull()
    const queue = $<HTMLButtonElement>('preview-queue')!
    expect(queue.disabled).toBe(true)
    queue.click()
    await settle()
    expect(api.calls.some((c) => c.channel === 'runs:queueMany')).toBe(false)
  })

  it('marks the just-queued runs in the queue', async () => {
    await open()
    setValue('sweep-method', 'none')
    setValue('sweep-counts', '10')
    setValue('sweep-seeds', '1')
    await settle()
    $<HTMLButtonElement>('template-sweep')!.click()
    await settle()
    $<HTMLButtonElement>('preview-queue')!.click()
    await settle()
    expect($('queue-item-100')!.getAttribute('data-fresh')).toBe('true')
  })
})

describe('the form survives a reload', () => {
  it('restores a saved form and template choices into the Train tab', async () => {
    saveTraining(localStorage, { form: { ...CPU_DEFAULTS, epochs: 7, keep: 'best' }, choices: { tableSeeds: 2, sweepMethod: 'mae-patch', countsText: '5, 9', sweepSeeds: 4 } })
    await open()
    expect($<HTMLInputElement>('epochs')!.value).toBe('7')
    expect($<HTMLSelectElement>('keep')!.value).toBe('best')
    expect($<HTMLInputElement>('sweep-counts')!.value).toBe('5, 9')
    expect($<HTMLInputElement>('table-seeds')!.value).toBe('2')
    setValue('epochs', '9')
    await settle()
    expect(loadTraining(localStorage).form.epochs).toBe(9)
  })

  it('falls back to the defaults, without an error, when the saved form is corrupt or stale', async () => {
    localStorage.setItem(STORAGE_KEY, '{not json')
    expect(loadTraining(localStorage).form).toEqual(CPU_DEFAULTS)
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ form: { ...CPU_DEFAULTS, method: 'byol', epochs: 'many' }, choices: { tableSeeds: 'x' } }))
    const loaded = loadTraining(localStorage)
    expect(loaded.form).toEqual(CPU_DEFAULTS)
    expect(loaded.choices.tableSeeds).toBe(3)
    // A form saved before a field existed keeps what it has and takes the default for the rest.
    const { keep: _keep, ...older } = { ...CPU_DEFAULTS, epochs: 11 }
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ form: older }))
    expect(loadTraining(localStorage).form).toEqual({ ...CPU_DEFAULTS, epochs: 11 })
    await open()
    expect($<HTMLInputElement>('epochs')!.value).toBe('11')
  })
})

describe('finished runs and display names', () => {
  it('lists the last finished finetunes with foreground IoU and the epoch kept', async () => {
    await open([
      run(3, { finishedAt: '2026-01-03T00:00:00Z', metrics: { ...metrics(0.61), bestEpoch: 4 }, cfg: { epochs: 9 } }),
      run(2, { finishedAt: '2026-01-02T00:00:00Z', metrics: metrics(0.5) }),
      run(1, { kind: 'pretrain', cfg: { kind: 'pretrain' } }),
    ])
    expect([...root.querySelectorAll('[data-testid^="result-iou-"]')].map((el) => el.textContent)).toEqual(['0.610', '0.500'])
    expect($('result-best-3')!.textContent).toContain('best epoch 4 of 9')
    expect($('result-best-2')).toBeNull()
  })

  it('shows a renamed run by its new name, not its template tag, and sorts by it', async () => {
    const renamed = run(5, { name: 'baseline v2', status: 'queued', queuePosition: 0, cfg: { tag: 'Label sweep · SimCLR · 10 images' } })
    expect(runDisplayName(renamed)).toBe('baseline v2')
    expect(runDisplayName(run(6, { name: ' ', cfg: { tag: 'T' } }))).toBe('T')
    const a = run(7, { name: 'alpha', cfg: { tag: 'zzz' } })
    expect(sortRuns([renamed, a], { key: 'name', dir: 'asc' }).map((r) => r.id)).toEqual([7, 5])
    await open([renamed])
    expect($('queue-item-5')!.textContent).toContain('#5 baseline v2')
    expect($('queue-item-5')!.textContent).not.toContain('Label sweep')
  })
})
