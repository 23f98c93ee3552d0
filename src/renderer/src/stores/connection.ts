// Web mode's link to its server as the page shows it: the banner's state, live training progress
// blanked while the server is unreachable, and everything re-read once it is back.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { useApi } from '../api'
import type { ConnectionState } from '../api/connection'
import { UNREACHABLE_MESSAGE } from '../api/http-client'
import { useDatasetStore } from './dataset'
import { useErrorStore } from './errors'
import { useRunsStore } from './runs'

export const useConnectionStore = defineStore('connection', () => {
  const api = useApi()
  const state = ref<ConnectionState>(api.connection?.state ?? 'connected')
  let unsubscribe: (() => void) | null = null

  /**
   * Progress of a running run is only true while events arrive: without them an ETA would count on
   * as if training went on, so it is shown as unknown until the runs are re-read.
   */
  function forgetLiveProgress(): void {
    const runs = useRunsStore()
    if (!runs.runs.some((r) => r.status === 'running' && r.progress)) return
    runs.runs = runs.runs.map((r) => (r.status === 'running' ? { ...r, progress: null } : r))
  }

  /** Re-reads what events would have changed while they could not arrive. */
  async function resync(): Promise<void> {
    const errors = useErrorStore()
    // "Cannot reach the server" alerts from the outage are answered by the banner going away.
    errors.errors = errors.errors.filter((e) => !e.message.startsWith(UNREACHABLE_MESSAGE))
    const runs = useRunsStore()
    const work: Promise<unknown>[] = [useDatasetStore().resync()]
    // Only what the page has loaded: the runs are read when the Train or Compare view first opens.
    if (runs.datasetId !== null || runs.runs.length) {
      work.push(runs.load())
      if (runs.concurrency) work.push(runs.loadConcurrency())
      for (const id of runs.details.keys()) work.push(runs.fetchDetail(id, true))
    }
    await Promise.all(work)
  }

  function onChange(now: ConnectionState, before: ConnectionState): void {
    state.value = now
    if (now !== 'connected') forgetLiveProgress()
    else if (before !== 'connected') void resync()
  }

  function start(): void {
    if (unsubscribe || !api.connection) return
    state.value = api.connection.state
    unsubscribe = api.connection.subscribe(onChange)
  }

  function stop(): void {
    unsubscribe?.()
    unsubscribe = null
  }

  return { state, start, stop, resync }
})
