// Training runs of the open dataset: the list (kept current by 'runs:changed' events, no polling),
// live progress and loss points from 'runs:progress', cached details, the queue actions, and the
// "runs at a time" setting the queue's ETA depends on; and the run manager's edits, deletes and the
// "show archived" switch (archived runs are left out of the list, so of every aggregate, unless shown).
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef, watch } from 'vue'
import type { ArgOf, Events, RunConcurrency } from '../../../shared/api'
import type { BatchPlan, PipelineArgs } from '../../../shared/run-batch'
import type { RunConfig, RunDeletePlan, RunDetail, RunPlan, RunSummary } from '../../../shared/types/runs'
import { useApi } from '../api'
import { browserStorage, loadTraining, saveTraining } from '../lib/runs/form-storage'
import { queueEta, queueOrder } from '../lib/runs/queue-eta'
import { useErrorStore } from './errors'

/** One point of a live loss curve: x counts steps from the run's start. */
export interface LossPoint {
  x: number
  loss: number
}

/** Live points kept per run; older ones are thinned so a long run does not grow without bound. */
const MAX_POINTS = 2000

export const useRunsStore = defineStore('runs', () => {
  const api = useApi()
  const errors = useErrorStore()
  const runs = ref<RunSummary[]>([])
  const datasetId = ref<number | null>(null)
  const loading = ref(false)
  const busy = ref(false)
  /** The training form and the template fields, kept here and in localStorage so they survive a reload. */
  const saved = loadTraining(browserStorage())
  const form = ref(saved.form)
  const templateChoices = ref(saved.choices)
  watch([form, templateChoices], () => saveTraining(browserStorage(), { form: form.value, choices: templateChoices.value }), { deep: true })
  /** The runs the last queueing added, so the queue can bring them into view. */
  const justQueued = ref<number[]>([])
  const details = shallowRef(new Map<number, RunDetail>())
  const lossPoints = shallowRef(new Map<number, LossPoint[]>())
  /**
   * Running runs asked to stop: 'runs:cancel' answers while the worker is still stopping (the run is
   * still 'running'); the 'runs:changed' with 'cancelled' follows.
   */
  const cancelling = shallowRef(new Set<number>())
  /** The service's "runs at a time" setting; null until read (the ETA then assumes one at a time). */
  const concurrency = ref<RunConcurrency | null>(null)
  /** List archived runs too (they are left out of the table and its aggregates otherwise). */
  const showArchived = ref(false)
  let unsubscribe: (() => void)[] = []

  const queue = computed(() => queueOrder(runs.value))
  const running = computed(() => runs.value.find((r) => r.status === 'running') ?? null)
  const eta = computed(() => queueEta(runs.value, concurrency.value?.max ?? 1))
  const byId = computed(() => new Map(runs.value.map((r) => [r.id, r])))

  function upsert(run: RunSummary): void {
    if (datasetId.value !== null && run.config.datasetId !== datasetId.value) return
    if (run.archived && !showArchived.value) return forget([run.id])
    const old = byId.value.get(run.id)
    // Newest first, as 'runs:list' returns them.
    if (!old) runs.value = [...runs.value, run].sort((a, b) => b.id - a.id)
    else runs.value = runs.value.map((r) => (r.id === run.id ? run : r))
    if (run.status !== 'running' && cancelling.value.has(run.id)) {
      cancelling.value.delete(run.id)
      triggerRef(cancelling)
    }
    // A retried or restarted run trains again from its first step: its old live points would mix in.
    if (old && old.status !== run.status && (run.status === 'queued' || run.status === 'running') && lossPoints.value.delete(run.id)) {
      triggerRef(lossPoints)
    }
    // A cached detail is stale once its run changed (new epoch, finished…): refetch if shown.
    if (details.value.has(run.id)) void fetchDetail(run.id, true)
  }

  /** Drops runs from the list and the caches (deleted, or archived while archived runs are hidden). */
  function forget(ids: number[]): void {
    const gone = new Set(ids)
    if (runs.value.some((r) => gone.has(r.id))) runs.value = runs.value.filter((r) => !gone.has(r.id))
    for (const id of ids) details.value.delete(id) && triggerRef(details)
    for (const id of ids) lossPoints.value.delete(id) && triggerRef(lossPoints)
  }

  function onProgress(ev: Events['runs:progress']): void {
    const run = byId.value.get(ev.runId)
    if (run) {
      const epochDone = run.progress !== null && ev.progress.epoch > run.progress.epoch
      runs.value = runs.value.map((r) => (r.id === ev.runId ? { ...r, progress: ev.progress } : r))
      if (epochDone && details.value.has(ev.runId)) void fetchDetail(ev.runId, true)
    }
    if (ev.lossPoint) addPoint(ev.runId, { x: ev.lossPoint.step, loss: ev.lossPoint.loss })
  }

  function addPoint(runId: number, point: LossPoint): void {
    // A new array each time: computeds holding the old one must see a change, not the same reference.
    let points = [...(lossPoints.value.get(runId) ?? []), point]
    if (points.length > MAX_POINTS) points = points.filter((_, i) => i % 2 === 0)
    lossPoints.value.set(runId, points)
    triggerRef(lossPoints)
  }

  function listen(): void {
    if (unsubscribe.length) return
    unsubscribe = [api.on('runs:changed', upsert), api.on('runs:progress', onProgress), api.on('runs:deleted', (e) => forget(e.ids))]
  }

  function stopListening(): void {
    for (const off of unsubscribe) off()
    unsubscribe = []
  }

  async function load(id: number | null = datasetId.value): Promise<void> {
    listen()
    datasetId.value = id
    loading.value = true
    try {
      runs.value = await api['runs:list']({ ...(id === null ? {} : { datasetId: id }), ...(showArchived.value ? { includeArchived: true } : {}) })
    } catch (err) {
      errors.report('Could not load the runs', err)
    } finally {
      loading.value = false
    }
  }

  async function fetchDetail(id: number, force = false): Promise<RunDetail | null> {
    const cached = details.value.get(id)
    if (cached && !force) return cached
    try {
      const detail = await api['runs:get']({ id })
      details.value.set(id, detail)
      triggerRef(details)
      return detail
    } catch (err) {
      errors.report(`Could not load run #${id}`, err)
      return null
    }
  }

  /**
   * Queue something. New runs in the answer are merged at once (their events may come later); a run
   * already known is left to its 'runs:changed' events, which arrive in order: the answer may be older
   * than an event that came before it (a retried run already running, a cancelled one still 'running').
   */
  async function act<T extends RunSummary | RunSummary[]>(context: string, call: () => Promise<T>): Promise<T | null> {
    busy.value = true
    try {
      const result = await call()
      const fresh = (Array.isArray(result) ? result : [result]).filter((run) => !byId.value.has(run.id))
      for (const run of fresh) upsert(run)
      if (fresh.length) justQueued.value = fresh.map((r) => r.id)
      return result
    } catch (err) {
      errors.report(context, err)
      return null
    } finally {
      busy.value = false
    }
  }

  const plan = (config: RunConfig): Promise<RunPlan> => api['runs:plan']({ config })
  const pipeline = (args: ArgOf<'runs:pipeline'>) => act('Could not queue the runs', () => api['runs:pipeline'](args))
  const enqueue = (config: RunConfig) => act('Could not queue the run', () => api['runs:enqueue']({ config }))
  async function cancel(id: number): Promise<RunSummary | null> {
    const run = await act(`Could not cancel run #${id}`, () => api['runs:cancel']({ id }))
    // Only a run that is still running after the answer is stopping; the event may have come first.
    if (run?.status === 'running' && byId.value.get(id)?.status === 'running') {
      cancelling.value.add(id)
      triggerRef(cancelling)
    }
    return run
  }
  const retry = (id: number) => act(`Could not retry run #${id}`, () => api['runs:retry']({ id }))
  /** What an experiment template would queue (nothing is queued); null when the service could not say. */
  async function planTemplate(items: PipelineArgs[]): Promise<BatchPlan | null> {
    try {
      return await api['runs:planMany']({ items })
    } catch (err) {
      errors.report('Could not check the experiment', err)
      return null
    }
  }
  /** All of a template's runs, or none (the service refuses the whole batch when one is refused). */
  const queueTemplate = (items: PipelineArgs[]) => act('Could not queue the experiment', () => api['runs:queueMany']({ items }))

  /** Rename, tag, note, archive or unarchive; the answer is merged at once (its event may come later). */
  async function update(id: number, fields: Omit<ArgOf<'runs:update'>, 'id'>): Promise<RunSummary | null> {
    const run = await act(`Could not change run #${id}`, () => api['runs:update']({ id, ...fields }))
    if (run) upsert(run)
    return run
  }

  async function deletePlan(id: number): Promise<RunDeletePlan | null> {
    try {
      return await api['runs:deletePlan']({ id })
    } catch (err) {
      errors.report(`Could not check what deleting run #${id} removes`, err)
      return null
    }
  }

  async function remove(id: number, withDependents: boolean): Promise<boolean> {
    busy.value = true
    try {
      forget((await api['runs:delete']({ id, withDependents })).deleted)
      return true
    } catch (err) {
      errors.report(`Could not delete run #${id}`, err)
      return false
    } finally {
      busy.value = false
    }
  }

  async function setShowArchived(on: boolean): Promise<void> {
    showArchived.value = on
    await load()
  }

  async function loadConcurrency(): Promise<void> {
    try {
      concurrency.value = await api['runs:concurrency']()
    } catch (err) {
      errors.report('Could not read the runs-at-a-time setting', err)
    }
  }

  /** Asks the service for `max` runs at a time; a refusal is reported and the setting stays as it was. */
  async function setConcurrency(max: number): Promise<void> {
    try {
      concurrency.value = await api['runs:setConcurrency']({ max })
    } catch (err) {
      errors.report('Could not change the runs-at-a-time setting', err)
    }
  }

  /** Move a queued run up (-1) or down (+1) among the queued runs. */
  async function move(id: number, delta: number): Promise<void> {
    const queued = queue.value.filter((r) => r.status === 'queued')
    const index = queued.findIndex((r) => r.id === id)
    const position = index + delta
    if (index === -1 || position < 0 || position >= queued.length) return
    await act(`Could not move run #${id}`, () => api['runs:reorder']({ id, position }))
  }

  return {
    runs, datasetId, loading, busy, form, templateChoices, justQueued, planTemplate, details, lossPoints, cancelling, concurrency, queue, running, eta, byId,
    load, listen, stopListening, fetchDetail, plan, pipeline, enqueue, cancel, retry, move, queueTemplate,
    loadConcurrency, setConcurrency, showArchived, update, deletePlan, remove, setShowArchived,
  }
})
