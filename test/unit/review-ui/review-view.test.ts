// @vitest-environment happy-dom
// The Review view in a DOM with a scripted client: only finished finetunes are offered, predicting shows
// live progress and reloads the queues when done, rows show name and score, and a row opens the editor.
import { beforeEach, describe, expect, it } from 'vitest'
import type { Pinia } from 'pinia'
import ReviewView from '../../../src/renderer/src/views/ReviewView.vue'
import { useBrowserStore } from '../../../src/renderer/src/stores/browser'
import { useErrorStore } from '../../../src/renderer/src/stores/errors'
import type { PredictionProgress, QueueItem } from '../../../src/shared/types/predictions'
import { dataset, fakeApi, image, settle, type FakeApi } from '../renderer/fake-api'
import { run } from '../runs-ui/fixtures'
import { $, mount } from '../renderer/mount'

let root: HTMLElement
let api: FakeApi
let pinia: Pinia
let opened: number[]
let labelNext: QueueItem[]
const rows = (queue: string) => [...root.querySelectorAll(`[data-testid="${queue}"] [data-testid="queue-row"]`)]
const texts = (queue: string) => rows(queue).map((r) => `${r.querySelector('.name')?.textContent} · ${r.querySelector('.score')?.textContent}`)
const calls = (channel: string) => api.calls.filter((c) => c.channel === channel)
const progress = (over: Partial<PredictionProgress>): PredictionProgress => ({
  jobId: 7, runId: 3, datasetId: 1, scope: 'unlabelled', phase: 'predicting', done: 0, total: 4, error: null, ...over,
})

beforeEach(async () => {
  opened = []
  labelNext = [
    { image: image(11, { label: null, name: 'cat_11' }), score: 0.41, confidence: 0.41 },
    { image: image(12, { label: null, name: 'cat_12' }), score: 0.9, confidence: 0.9 },
  ]
  api = fakeApi({
    'runs:list': () => [
      run(5, { kind: 'pretrain', cfg: { kind: 'pretrain' } }),
      run(4, { status: 'failed' }),
      run(3, { name: 'tiny-finetune' }),
    ],
    'queues:labelNext': () => labelNext,
    'queues:recheck': () => [{ image: image(21, { name: 'dog_21' }), score: 0.73, confidence: 0.8 }],
    'predictions:start': () => ({ jobId: 7, count: 4 }),
    'predictions:cancel': () => undefined,
  })
  const view = mount(ReviewView, { api, props: { onOpenImage: (id: number) => opened.push(id) }, dataset: dataset({ id: 1 }) })
  root = view.root
  pinia = view.pinia
  await settle()
})

describe('ReviewView', () => {
  it('offers only finished finetune runs and shows both queues with their scores', () => {
    const options = [...$<HTMLSelectElement>('review-run')!.options].map((o) => o.textContent?.trim())
    expect(options).toHaveLength(1)
    expect(options[0]).toMatch(/^#3 tiny-finetune/)
    expect(calls('queues:labelNext').at(-1)!.arg).toMatchObject({ datasetId: 1, runId: 3 })
    expect(texts('queue-label-next')).toEqual(['cat_11 · 41% confident', 'cat_12 · 90% confident'])
    expect(texts('queue-recheck')).toEqual(['dog_21 · 73% disagree'])
    expect(rows('queue-label-next')[0]!.querySelector('img')!.getAttribute('src')).toBe('/media/thumb/11')
  })

  it('predicts with live progress and reloads the queues when the job ends', async () => {
    $<HTMLButtonElement>('predict-unlabelled')!.click()
    await settle()
    expect(calls('predictions:start').at(-1)!.arg).toEqual({ runId: 3, datasetId: 1, scope: 'unlabelled' })
    expect($<HTMLButtonElement>('predict-labelled')!.disabled).toBe(true)
    api.emit('predictions:progress', progress({ done: 2 }))
    await settle()
    expect($('predict-progress')!.textContent).toMatch(/Predicted 2 of 4 unlabelled images/)
    expect(root.querySelector('progress')!.value).toBe(2)
    const before = calls('queues:labelNext').length
    labelNext = [labelNext[1]!]
    api.emit('predictions:progress', progress({ phase: 'done', done: 4 }))
    await settle()
    expect(calls('queues:labelNext').length).toBe(before + 1)
    expect(rows('queue-label-next')).toHaveLength(1)
    expect($<HTMLButtonElement>('predict-labelled')!.disabled).toBe(false)
    expect($('predict-progress')!.textContent).toMatch(/Predicted 4 unlabelled images/)
  })

  it('cancels a running job and reports a failed one', async () => {
    $<HTMLButtonElement>('predict-labelled')!.click()
    await settle()
    $<HTMLButtonElement>('predict-cancel')!.click()
    await settle()
    expect(calls('predictions:cancel').at(-1)!.arg).toEqual({ jobId: 7 })
    api.emit('predictions:progress', progress({ scope: 'labelled', phase: 'failed', done: 1, error: 'worker crashed' }))
    await settle()
    expect($('predict-progress')!.textContent).toMatch(/Failed after 1 of 4 labelled images: worker crashed/)
    expect(useErrorStore(pinia).errors.at(-1)?.message).toMatch(/worker crashed/)
  })

  it('adds a finetune that finishes while the view is open', async () => {
    api.emit('runs:changed', run(8, { name: 'fresh' }))
    api.emit('runs:changed', run(9, { status: 'running' }))
    await settle()
    const options = [...$<HTMLSelectElement>('review-run')!.options].map((o) => o.textContent?.trim())
    expect(options.map((o) => o?.split(' ')[0])).toEqual(['#8', '#3'])
    expect($<HTMLSelectElement>('review-run')!.value).toBe('3')
  })

  it('opens a clicked row in the editor and reloads the queues when a label changes', async () => {
    rows('queue-recheck')[0]!.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    await settle()
    expect(useBrowserStore(pinia).editingId).toBe(21)
    expect(opened).toEqual([21])
    const before = calls('queues:recheck').length
    api.emit('labels:changed', { imageId: 21, label: 'edited' })
    await settle()
    expect(calls('queues:recheck').length).toBe(before + 1)
  })
})
