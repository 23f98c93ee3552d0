// The list the editor walks (see lib/work-list.ts) and what "Back" returns to: the grid, or a Review
// queue with its chosen run and scroll position. Review and the browser start a list as they open the
// editor; the editor steps through it and ends it.
import { defineStore } from 'pinia'
import { reactive, shallowRef } from 'vue'
import { type ImageSummary, isHumanLabel } from '../../../shared/types/dataset'
import {
  createWorkList,
  nextUnlabelledId,
  neighbourId,
  withLabel,
  type WorkItem,
  type WorkList,
  type WorkListOrigin,
} from '../lib/work-list'

export type QueueName = Exclude<WorkListOrigin, 'grid'>

/** An image needs a label when it has none and can have one (a broken image cannot). */
export function workItem(image: Pick<ImageSummary, 'id' | 'label' | 'broken'>): WorkItem {
  return { id: image.id, needsLabel: !isHumanLabel(image.label) && !image.broken }
}

export const useWorkListStore = defineStore('workList', () => {
  const list = shallowRef<WorkList | null>(null)
  // The Review tab as it was when one of its queues opened the editor: restored when Back returns there.
  const review = reactive({
    runId: null as number | null,
    scroll: { 'label-next': 0, recheck: 0 } as Record<QueueName, number>,
    /** The image the editor showed last: its row is marked in the queue. */
    lastId: null as number | null,
    /** Set when Back leaves for Review; the Review view takes it (and the state above) once. */
    returning: false,
  })
  // The browser's selection before a queue opened the editor, given back on return.
  let selectionBefore: number | null = null

  function start(origin: WorkListOrigin, images: readonly Pick<ImageSummary, 'id' | 'label' | 'broken'>[]): void {
    list.value = createWorkList(origin, images.map(workItem))
  }

  /** A Review queue opens the editor: remember the tab's state to come back to. */
  function startFromQueue(
    origin: QueueName,
    images: readonly ImageSummary[],
    state: { runId: number | null; scroll: Record<QueueName, number>; selection: number | null },
  ): void {
    start(origin, images)
    review.runId = state.runId
    review.scroll = { ...state.scroll }
    selectionBefore = state.selection
  }

  function contains(id: number): boolean {
    return list.value?.items.some((i) => i.id === id) ?? false
  }

  const neighbour = (id: number, delta: 1 | -1): number | null => (list.value ? neighbourId(list.value, id, delta) : null)
  const nextUnlabelled = (id: number): number | null => (list.value ? nextUnlabelledId(list.value, id) : null)

  /** A label was saved or cleared: "next unlabelled" must know. */
  function noteLabel(id: number, labelled: boolean): void {
    if (list.value) list.value = withLabel(list.value, id, labelled)
  }

  /**
   * The editor closes on `lastId`: the list ends; answers where to return and, for a queue, the
   * browser selection to restore.
   */
  function finish(lastId: number | null): { origin: WorkListOrigin | null; selection: number | null } {
    const origin = list.value?.origin ?? null
    list.value = null
    if (origin !== null && origin !== 'grid') {
      review.lastId = lastId
      review.returning = true
    }
    return { origin, selection: origin === 'grid' ? lastId : selectionBefore }
  }

  return { list, review, start, startFromQueue, contains, neighbour, nextUnlabelled, noteLabel, finish }
})
