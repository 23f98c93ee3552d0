// The open dataset: which one, opening another (folder, archives, demo), indexing progress.
// On start it re-opens the last dataset, or the built-in demo on a first start.
// Counts follow label edits: 'labels:changed' re-reads the dataset info, debounced.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { AppInfo, PickKind } from '../../../shared/api'
import type { DatasetInfo, DatasetProgress, IndexSummary } from '../../../shared/types/dataset'
import { useApi } from '../api'
import { useErrorStore } from './errors'

/** A burst of label changes (autosave while painting, accepting many predictions) costs one re-read. */
export const COUNTS_REFRESH_MS = 300

export const useDatasetStore = defineStore('dataset', () => {
  const api = useApi()
  const errors = useErrorStore()
  const appInfo = ref<AppInfo | null>(null)
  const info = ref<DatasetInfo | null>(null)
  const progress = ref<DatasetProgress | null>(null)
  const lastSummary = ref<IndexSummary | null>(null)
  const busy = ref(false)
  const canPickFiles = computed(() => appInfo.value?.canPickFiles ?? false)
  let unsubscribe: (() => void)[] = []
  let refreshTimer: ReturnType<typeof setTimeout> | null = null

  /** Re-reads the current dataset's info (its labelled count changes when labels are added or reverted). */
  async function refreshCounts(): Promise<void> {
    try {
      const current = await api['datasets:current']()
      // An open/import in flight sets info itself when done; a read racing it could be stale.
      if (!busy.value && current && current.id === info.value?.id) info.value = current
    } catch (err) {
      errors.report('Could not refresh the dataset counts', err)
    }
  }

  function scheduleRefresh(): void {
    if (refreshTimer) clearTimeout(refreshTimer)
    refreshTimer = setTimeout(() => {
      refreshTimer = null
      void refreshCounts()
    }, COUNTS_REFRESH_MS)
  }

  function listen(): void {
    if (unsubscribe.length) return
    unsubscribe = [
      api.on('dataset:progress', (p) => {
        progress.value = p
      }),
      api.on('dataset:opened', (d) => {
        info.value = d
      }),
      api.on('labels:changed', scheduleRefresh),
    ]
  }

  function stopListening(): void {
    for (const off of unsubscribe) off()
    unsubscribe = []
    if (refreshTimer) clearTimeout(refreshTimer)
    refreshTimer = null
  }

  /** Runs one open/import; the dataset it opened becomes current. Errors go to the alert region. */
  async function run(context: string, open: () => Promise<IndexSummary>): Promise<boolean> {
    if (busy.value) return false
    busy.value = true
    progress.value = null
    try {
      lastSummary.value = await open()
      info.value = await api['datasets:current']()
      return true
    } catch (err) {
      errors.report(context, err)
      return false
    } finally {
      busy.value = false
      progress.value = null
    }
  }

  async function init(): Promise<void> {
    listen()
    try {
      // Both at once: one round trip less before the grid can ask for its images.
      const [app, current] = await Promise.all([api['app:info'](), api['datasets:current']()])
      appInfo.value = app
      info.value = current
    } catch (err) {
      errors.report('Could not start', err)
      return
    }
    if (!info.value) await openDemo()
  }

  const openFolder = (path: string) => run('Could not open the dataset', () => api['datasets:open']({ path }))
  const importArchives = (archives: string[], dest?: string) =>
    run('Could not import the archives', () =>
      api['datasets:import'](dest ? { archives, dest } : { archives }),
    )
  const openDemo = () => run('Could not open the demo dataset', () => api['datasets:openDemo']())

  /** Electron: native dialog, then open what was picked (nothing if the dialog was cancelled). */
  async function pickAndOpen(kind: PickKind): Promise<boolean> {
    let paths: string[] | null
    try {
      paths = await api['app:pick']({ kind })
    } catch (err) {
      errors.report('Could not show the file dialog', err)
      return false
    }
    if (!paths || paths.length === 0) return false
    return kind === 'folder' ? openFolder(paths[0]!) : importArchives(paths)
  }

  return {
    appInfo,
    info,
    progress,
    lastSummary,
    busy,
    canPickFiles,
    init,
    openFolder,
    importArchives,
    openDemo,
    pickAndOpen,
    refreshCounts,
    stopListening,
  }
})
