// The dataset browser's state: filters, the filtered image list and facet counts, the selected image
// and whether it is open in the trimap editor. Any filter change reloads list and counts; answers to
// superseded queries are dropped.
import { defineStore } from 'pinia'
import { computed, reactive, ref, shallowRef, watch } from 'vue'
import type { ImageQueryArgs } from '../../../shared/api'
import type { FacetCounts, ImageSummary } from '../../../shared/types/dataset'
import { useApi } from '../api'
import { useErrorStore } from './errors'
import { buildImageQuery, emptyFilters, hasFilters, type Filters } from './image-query'

export const useBrowserStore = defineStore('browser', () => {
  const api = useApi()
  const errors = useErrorStore()
  const datasetId = ref<number | null>(null)
  const filters = reactive<Filters>(emptyFilters())
  // 7,390 summaries: shallow, so Vue does not wrap every object in a proxy.
  const images = shallowRef<ImageSummary[]>([])
  const facets = shallowRef<FacetCounts | null>(null)
  const loading = ref(false)
  const selectedId = ref<number | null>(null)
  const editing = ref(false)
  // Where the selected image last sat in the list: an edit can drop it from a filter (an unlabelled
  // image becomes edited), and next/previous must still go on from there.
  let anchor: number | null = null
  let seq = 0

  const query = computed<ImageQueryArgs | null>(() =>
    datasetId.value === null ? null : buildImageQuery(datasetId.value, filters),
  )
  const filtered = computed(() => hasFilters(filters))
  const selectedIndex = computed(() =>
    selectedId.value === null ? -1 : images.value.findIndex((i) => i.id === selectedId.value),
  )
  const selected = computed(() => images.value[selectedIndex.value] ?? null)
  /** The image open in the trimap editor, or null while the browser is shown. */
  const editingId = computed(() => (editing.value ? selectedId.value : null))
  watch(
    selectedIndex,
    (i) => {
      if (i >= 0) anchor = i
    },
    { flush: 'sync' },
  )

  async function load(): Promise<void> {
    const q = query.value
    if (!q) return
    const mine = ++seq
    loading.value = true
    try {
      const [list, counts] = await Promise.all([api['images:list'](q), api['images:facets'](q)])
      if (mine !== seq) return
      images.value = list
      facets.value = counts
    } catch (err) {
      if (mine === seq) errors.report('Could not list the images', err)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  watch(query, () => void load())

  /** Switch to another dataset: filters and selection belong to the old one, so they reset. */
  function setDataset(id: number | null): void {
    if (id === datasetId.value) return
    Object.assign(filters, emptyFilters())
    selectedId.value = null
    editing.value = false
    anchor = null
    images.value = []
    facets.value = null
    datasetId.value = id
  }

  function clearFilters(): void {
    Object.assign(filters, emptyFilters())
  }

  function select(id: number | null): void {
    if (id !== selectedId.value) anchor = null
    selectedId.value = id
    if (id === null && editing.value) {
      editing.value = false
      reloadIfStale()
    }
  }

  /** Open an image in the trimap editor (it becomes the selection), or close the editor (null). */
  function edit(id: number | null): void {
    if (id !== null) select(id)
    editing.value = id !== null
    if (!editing.value) reloadIfStale()
  }

  // A saved or reverted trimap changes badges, the label facets and what the label filter lists.
  // While the editor covers the grid the list is re-read once it closes: re-listing on every autosave
  // took CPU from the save itself, and next/previous keep their order while the user works through it.
  let stale = false
  function labelsChanged(): void {
    stale = true
    if (!editing.value) reloadIfStale()
  }
  function reloadIfStale(): void {
    if (!stale) return
    stale = false
    void load()
  }

  /** The list position next/previous would go to, or -1 at either end. */
  function neighbourIndex(delta: 1 | -1): number {
    const at = selectedIndex.value
    // Gone from the list: the image after it now sits at its old index.
    const next = at >= 0 ? at + delta : anchor === null ? -1 : delta > 0 ? anchor : anchor - 1
    return next >= 0 && next < images.value.length ? next : -1
  }

  /** Move the selection through the filtered list; returns false at either end. */
  function step(delta: 1 | -1): boolean {
    const next = images.value[neighbourIndex(delta)]
    if (selectedId.value === null || !next) return false
    selectedId.value = next.id
    return true
  }

  /** Whether step(delta) would move (the buttons' enabled state). */
  const canStep = (delta: 1 | -1): boolean => selectedId.value !== null && neighbourIndex(delta) >= 0

  return {
    datasetId,
    filters,
    images,
    facets,
    loading,
    selectedId,
    selectedIndex,
    selected,
    editingId,
    query,
    filtered,
    load,
    setDataset,
    clearFilters,
    select,
    edit,
    labelsChanged,
    step,
    canStep,
  }
})
