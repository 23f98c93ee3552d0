// @vitest-environment happy-dom
// Opening a queue row starts a work list of that queue; coming back from the editor the Review view
// chooses the same run (not the newest) and marks the row of the image shown last.
import { describe, expect, it } from 'vitest'
import { defineComponent, h } from 'vue'
import ReviewView from '../../../src/renderer/src/views/ReviewView.vue'
import { useWorkListStore } from '../../../src/renderer/src/stores/work-list'
import { useBrowserStore } from '../../../src/renderer/src/stores/browser'
import { dataset, fakeApi, image, settle } from '../renderer/fake-api'
import { run } from '../runs-ui/fixtures'
import { $, mount } from '../renderer/mount'

const handlers = () =>
  fakeApi({
    'runs:list': () => [run(8, { name: 'newest' }), run(3, { name: 'older' })],
    'queues:labelNext': () => [],
    'queues:recheck': ({ runId }) => [21, 22, 23].map((id) => ({ image: image(id + runId * 100), score: 0.5, confidence: 0.5 })),
  })

describe('Review tab and the editor', () => {
  it('a row opens the editor on its queue as a list', async () => {
    const api = handlers()
    const { root, pinia } = mount(ReviewView, { api, dataset: dataset({ id: 1 }) })
    await settle()
    const rows = [...root.querySelectorAll<HTMLElement>('[data-testid="queue-recheck"] [data-testid="queue-row"]')]
    rows[1]!.click()
    await settle()
    const work = useWorkListStore(pinia)
    expect(work.list?.origin).toBe('recheck')
    expect(work.list?.items.map((i) => i.id)).toEqual([821, 822, 823])
    expect(work.neighbour(822, 1)).toBe(823)
    expect(useBrowserStore(pinia).editingId).toBe(822)
    expect(work.review.runId).toBe(8)
  })

  it('coming back, the run chosen before is chosen again and the last image is marked', async () => {
    // What Back leaves behind (useWorkListStore.finish), set before the view's setup reads it.
    const Returning = defineComponent({
      setup() {
        const work = useWorkListStore()
        work.startFromQueue('recheck', [image(321), image(322)], { runId: 3, scroll: { 'label-next': 0, recheck: 0 }, selection: null })
        work.finish(322)
        return () => h(ReviewView)
      },
    })
    const { root, pinia } = mount(Returning, { api: handlers(), dataset: dataset({ id: 1 }) })
    await settle()
    expect($<HTMLSelectElement>('review-run')!.value).toBe('3')
    const marked = root.querySelectorAll<HTMLElement>('[data-testid="queue-row"][aria-current="true"]')
    expect([...marked].map((r) => r.dataset['imageId'])).toEqual(['322'])
    // Taken once: the next visit to the tab starts afresh.
    expect(useWorkListStore(pinia).review.returning).toBe(false)
  })
})
