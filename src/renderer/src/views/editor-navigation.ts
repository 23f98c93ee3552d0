// How the editor view walks its list: Previous / Next / next unlabelled through the work list it was
// opened with (the browser's filtered grid, or a Review queue), each saving first, and Back to where the
// list came from. Used by EditorView only.
import { computed, ref, watch, type Ref } from 'vue'
import type { NavigationTarget } from '../editor/commands'
import { describePosition, ORIGIN_NAMES } from '../lib/work-list'
import { useBrowserStore } from '../stores/browser'
import { useWorkListStore } from '../stores/work-list'

const AT_END: Record<NavigationTarget, string> = {
  previous: 'This is the first image of the list.',
  next: 'This is the last image of the list.',
  'next-unlabelled': 'No unlabelled image left in this list.',
}

export interface NavigationDeps {
  /** Saves what is open; false when the user chose to stay. */
  flushed(): Promise<boolean>
  busy: Ref<boolean>
  /** The list came from a Review queue: show Review again. */
  returnToReview(): void
}

export function useEditorNavigation(deps: NavigationDeps) {
  const browser = useBrowserStore()
  const work = useWorkListStore()
  /** Why a step went nowhere ("No unlabelled image left…"), until the next image opens. */
  const message = ref<string | null>(null)

  // Opened without a list (the grid's detail dialog): walk the browser's filtered list as it is now.
  watch(
    () => browser.editingId,
    (id) => {
      message.value = null
      if (id !== null && !work.contains(id)) work.start('grid', browser.images)
    },
    { immediate: true },
  )

  function target(to: NavigationTarget): number | null {
    const id = browser.editingId
    if (id === null) return null
    return to === 'next-unlabelled' ? work.nextUnlabelled(id) : work.neighbour(id, to === 'next' ? 1 : -1)
  }

  const canGo = (to: NavigationTarget): boolean => target(to) !== null

  async function go(to: NavigationTarget): Promise<void> {
    if (deps.busy.value) return
    const next = target(to)
    if (next === null) {
      message.value = AT_END[to]
      return
    }
    deps.busy.value = true
    try {
      if (await deps.flushed()) browser.edit(next)
    } finally {
      deps.busy.value = false
    }
  }

  async function back(): Promise<void> {
    if (deps.busy.value) return
    deps.busy.value = true
    try {
      if (!(await deps.flushed())) return
      const { origin, selection } = work.finish(browser.editingId)
      browser.edit(null)
      if (origin === 'label-next' || origin === 'recheck') {
        browser.select(selection)
        deps.returnToReview()
      }
    } finally {
      deps.busy.value = false
    }
  }

  const position = computed(() => {
    const id = browser.editingId
    return work.list && id !== null ? describePosition(work.list, id) : ''
  })
  const backText = computed(() => {
    const origin = work.list?.origin
    return !origin || origin === 'grid' ? '← Back to browser' : `← Back to ${ORIGIN_NAMES[origin]}`
  })

  return { go, back, canGo, position, backText, message }
}
