// The open dataset: which one, opening another (folder, archives, demo, a recent one), indexing
// progress. On start it re-opens the last dataset, or the built-in demo on a first start.
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
  /** Datasets opened before, most recent first (datasets:list), read when the open panel shows. */
  const recent = ref<DatasetInfo[]>([])
  /** Why the recent list could not be read: shown in the list's place, not as an alert. */
  const recentError = ref<string | null>(null)
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

  async function loadRecent(): Promise<void> {
    try {
      recent.value = await api['datasets:list']()
      recentError.value = null
    } catch (err) {
      recentError.value = err instanceof Error ? err.message : String(err)
    }
  }

  /** Opens a dataset of the recent list again; the demo is regenerated when its folder is gone. */
  const reopen = (d: DatasetInfo) => (d.isDemo ? openDemo() : openFolder(d.root))

  /** After the server was unreachable: what it says now replaces what this page still shows. */
  async function resync(): Promise<void> {
    try {
      const current = await api['datasets:current']()
      // A new object even for the same dataset: the browser reloads its images (see App.vue).
      if (!busy.value) info.value = current
    } catch (err) {
      errors.report('Could not re-read the open dataset', err)
    }
    if (recent.value.length) await loadRecent()
  }

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
    recent,
    recentError,
    busy,
    canPickFiles,
    init,
    openFolder,
    importArchives,
    openDemo,
    pickAndOpen,
    loadRecent,
    reopen,
    resync,
    refreshCounts,
    stopListening,
  }
})
