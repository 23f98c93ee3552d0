// @vitest-environment happy-dom
// The training view in a DOM: the plan (counts, backend, skipped backends) appears as the form
// changes, problems block the start buttons, the headline button queues pretrain → finetune.
import { beforeEach, describe, expect, it } from 'vitest'
import TrainingView from '../../../src/renderer/src/views/TrainingView.vue'
import type { RunConfig } from '../../../src/shared/types/runs'
import { dataset, fakeApi, settle, type FakeApi } from '../renderer/fake-api'
import { batchPlan, plan, queuedBatch, run } from './fixtures'
import { $, mount, setValue } from '../renderer/mount'

let root: HTMLElement
let api: FakeApi
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

beforeEach(async () => {
  // The form is kept in localStorage: each test starts from the defaults.
  localStorage.clear()
  api = fakeApi({
    'runs:list': () => [],
    'runs:plan': ({ config }) =>
      config.labels?.mode === 'count' && config.labels.count > 3312
        ? plan({ ok: false, problems: [`N = ${config.labels.count} is above the 3312 labelled trainval images.`] })
        : // As the real service: a finetune from a method's encoder needs its pretraining run.
          config.kind === 'finetune' && config.method !== 'none' && !config.parentRunId
          ? plan({ ok: false, problems: [`finetuning from a ${config.method} encoder needs its pretraining run`] })
          : plan(),
    'runs:planMany': ({ items }) => batchPlan(items),
    'runs:queueMany': ({ items }) => queuedBatch(items),
    'runs:pipeline': ({ pretrain, finetune }) => [
      ...(pretrain ? [run(10, { kind: 'pretrain', status: 'queued', queuePosition: 0, cfg: pretrain })] : []),
      run(11, { status: 'queued', queuePosition: 1, cfg: finetune }),
    ],
  })
  root = mount(TrainingView, { api, dataset: dataset({ id: 1 }) }).root
  await wait(350)
  await settle()
})

describe('TrainingView', () => {
  it('shows the plan: pool, counts and the backend with the reasons faster ones were skipped', () => {
    expect($('plan-pool')!.textContent).toContain('3312')
    expect($('plan-train')!.textContent).toContain('331')
    expect($('plan-eval')!.textContent).toContain('368')
    expect($('plan-backend')!.textContent).toContain('wasm')
    expect($('run-plan')!.textContent).toContain('tfjs-node-gpu skipped: no CUDA library found')
    const start = $<HTMLButtonElement>('start-pipeline')!
    expect(start.textContent?.trim()).toBe('Pretrain, then finetune on 331 labels')
    expect(start.disabled).toBe(false)
  })

  it('asks the service about both runs of the pipeline, the finetune as the pipeline checks it', () => {
    const planned = api.calls.filter((c) => c.channel === 'runs:plan').map((c) => (c.arg as { config: RunConfig }).config)
    expect(planned.map((c) => c.kind).sort()).toEqual(['finetune', 'pretrain'])
    // Its parent does not exist yet: checked as if it were done, i.e. like a finetune from scratch.
    expect(planned.find((c) => c.kind === 'finetune')).toMatchObject({ method: 'none', labels: { mode: 'fraction', fraction: 0.1 } })
    expect($('plan-problems')).toBeNull()
  })

  it('explains a problem from the plan and blocks the buttons', async () => {
    $<HTMLInputElement>('train-form')!.querySelector<HTMLInputElement>('input[value="count"]')!.click()
    await settle()
    setValue('label-count', '5000')
    await wait(350)
    await settle()
    expect($('plan-problems')!.textContent).toContain('N = 5000 is above the 3312 labelled trainval images.')
    expect($<HTMLButtonElement>('start-pipeline')!.disabled).toBe(true)
    expect($<HTMLButtonElement>('finetune-only')!.disabled).toBe(true)
  })

  it('catches bad numbers itself without asking the service', async () => {
    const before = api.calls.length
    setValue('epochs', '0')
    await wait(350)
    await settle()
    expect($('plan-problems')!.textContent).toContain('Epochs must be a whole number from 1 to 1000.')
    expect(api.calls.length).toBe(before)
    expect($<HTMLButtonElement>('start-pipeline')!.disabled).toBe(true)
  })

  it('queues pretrain then finetune with the form\'s settings, and the queue shows them', async () => {
    $<HTMLButtonElement>('start-pipeline')!.click()
    await settle()
    const call = api.calls.find((c) => c.channel === 'runs:pipeline')!.arg as { pretrain: RunConfig; finetune: RunConfig }
    expect(call.pretrain).toMatchObject({ kind: 'pretrain', method: 'simclr', epochs: 5, batchSize: 16, imageSize: 64, datasetId: 1 })
    expect(call.finetune).toMatchObject({ kind: 'finetune', labels: { mode: 'fraction', fraction: 0.1 }, frozenEncoder: true, skips: true })
    expect($('queue-item-10')).not.toBeNull()
    expect($('queue-item-11')!.querySelector('[role="progressbar"]')!.getAttribute('aria-valuenow')).toBe('0')
    expect($('start-note')!.textContent).toBe('Queued #10 and #11.')
  })

  it('says when the pipeline reused an identical pretraining run instead of queueing one', async () => {
    api.emit('runs:changed', run(10, { kind: 'pretrain', status: 'done', cfg: { kind: 'pretrain' } }))
    await settle()
    $<HTMLButtonElement>('start-pipeline')!.click()
    await settle()
    expect($('start-note')!.textContent).toContain('Queued #11; it reuses pretraining run #10')
  })

  it('"Paper settings" sets the paper\'s epochs, sizes, learning rate, both batches and its split', async () => {
    $<HTMLButtonElement>('paper-settings')!.click()
    await settle()
    expect($<HTMLInputElement>('epochs')!.value).toBe('20')
    expect($<HTMLInputElement>('image-size')!.value).toBe('128')
    expect($<HTMLInputElement>('simclr-size')!.value).toBe('64')
    expect($<HTMLInputElement>('lr')!.value).toBe('0.001')
    expect($<HTMLInputElement>('pretrain-batch')!.value).toBe('384')
    expect($<HTMLInputElement>('batch')!.value).toBe('256')
    expect($<HTMLSelectElement>('split')!.value).toBe('paper')
  })

  it('says what the run trains on: train N, held out M, of T, and under which split', async () => {
    expect($('plan-split')!.textContent!.replace(/\s+/g, ' ')).toContain('Trains on 331, held out 368, of 7390 images (the official split)')
    setValue('split', 'paper')
    await wait(350)
    await settle()
    expect($('plan-split')!.textContent).toContain("the paper's 90 / 10 split")
    const asked = api.calls.filter((c) => c.channel === 'runs:plan').map((c) => (c.arg as { config: RunConfig }).config)
    expect(asked.at(-1)!.split).toBe('paper')
  })

  it('sends the pretraining batch to the pretraining run and the finetune batch to the finetune', async () => {
    setValue('pretrain-batch', '24')
    await settle()
    setValue('batch', '6')
    await wait(350)
    await settle()
    $<HTMLButtonElement>('start-pipeline')!.click()
    await settle()
    const call = api.calls.find((c) => c.channel === 'runs:pipeline')!.arg as { pretrain: RunConfig; finetune: RunConfig }
    expect([call.pretrain.batchSize, call.finetune.batchSize]).toEqual([24, 6])
  })

  it('"Paper Table 2" with K = 2 previews, then queues a SimCLR pretraining per seed and twelve finetunes on each', async () => {
    setValue('table-seeds', '2')
    await settle()
    $<HTMLButtonElement>('template-table2')!.click()
    await settle()
    // Nothing is queued by the click: the preview lists what would be.
    expect(api.calls.some((c) => c.channel === 'runs:queueMany' || c.channel === 'runs:pipeline')).toBe(false)
    expect(root.querySelectorAll('[data-testid^="preview-row-"]')).toHaveLength(24)
    $<HTMLButtonElement>('preview-queue')!.click()
    await settle()
    const items = (api.calls.find((c) => c.channel === 'runs:queueMany')!.arg as { items: { pretrain: RunConfig | null; finetune: RunConfig }[] }).items
    expect(items).toHaveLength(24)
    expect(new Set(items.map((c) => c.pretrain!.seed))).toEqual(new Set([1, 2]))
    expect(items[12]!.pretrain).toMatchObject({ kind: 'pretrain', method: 'simclr', seed: 2, split: 'paper' })
    expect(items.map((c) => c.finetune.seed)).toEqual([...Array(12).fill(1), ...Array(12).fill(2)])
    expect($('template-status')!.textContent).toBe('Paper Table 2: queued 26 runs.')
  })

  it('gives every control an accessible name', () => {
    const controls = [...root.querySelectorAll<HTMLElement>('button, input, select')]
    expect(controls.length).toBeGreaterThan(20)
    const unnamed = controls.filter((el) => {
      if (el.getAttribute('aria-label')) return false
      if (el.closest('label')) return false
      return !(el.tagName === 'BUTTON' && el.textContent?.trim())
    })
    expect(unnamed.map((el) => el.outerHTML)).toEqual([])
  })
})
