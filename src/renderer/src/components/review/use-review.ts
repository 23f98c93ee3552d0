// State of the Review view (model in the loop): the dataset's finished finetune runs, the prediction
// job of the chosen run with its live progress, and the two queues, reloaded when a job ends or a
// label changes. Used by ReviewView only; talks to the contract's predictions:/queues: calls.
import { computed, onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import type { PredictionProgress, PredictionScope, QueueItem } from '../../../../shared/types/predictions'
import type { RunSummary } from '../../../../shared/types/runs'
import { AppError } from '../../../../shared/errors'
import { useApi } from '../../api'
import { useErrorStore } from '../../stores/errors'

const QUEUE_LIMIT = 50

/** preferredRunId: the run to choose when the runs arrive (coming back from the editor), else the newest. */
export function useReview(datasetId: Ref<number | null>, preferredRunId: () => number | null = () => null) {
  const api = useApi()
  const errors = useErrorStore()
  const runs = shallowRef<RunSummary[]>([])
  const runId = ref<number | null>(null)
  const job = ref<PredictionProgress | null>(null)
  const labelNext = shallowRef<QueueItem[]>([])
  const recheck = shallowRef<QueueItem[]>([])
  const loadingQueues = ref(false)
  const running = computed(() => job.value !== null && (job.value.phase === 'loading' || job.value.phase === 'predicting'))
  let seq = 0

  async function loadRuns(): Promise<void> {
    const id = datasetId.value
    runs.value = []
    runId.value = null
    labelNext.value = []
    recheck.value = []
    if (id === null) return
    try {
      const all = await api['runs:list']({ datasetId: id })
      // Only a finished finetune has a segmentation head to predict with.
      runs.value = all.filter((r) => r.kind === 'finetune' && r.status === 'done')
      const preferred = preferredRunId()
      runId.value = runs.value.find((r) => r.id === preferred)?.id ?? runs.value[0]?.id ?? null
    } catch (err) {
      errors.report('Could not list the runs', err)
    }
  }

  async function loadQueues(): Promise<void> {
    const ds = datasetId.value
    const run = runId.value
    const mine = ++seq
    if (ds === null || run === null) {
      labelNext.value = []
      recheck.value = []
      return
    }
    loadingQueues.value = true
    try {
      const args = { datasetId: ds, runId: run, limit: QUEUE_LIMIT }
      const [next, check] = await Promise.all([api['queues:labelNext'](args), api['queues:recheck'](args)])
      if (mine !== seq) return
      labelNext.value = next
      recheck.value = check
    } catch (err) {
      if (mine === seq) errors.report('Could not load the review queues', err)
    } finally {
      if (mine === seq) loadingQueues.value = false
    }
  }

  async function predict(scope: PredictionScope): Promise<void> {
    const ds = datasetId.value
    const run = runId.value
    if (ds === null || run === null || running.value) return
    try {
      const { jobId, count } = await api['predictions:start']({ runId: run, datasetId: ds, scope })
      // An event may have arrived first; keep the newer state.
      if (job.value?.jobId !== jobId) job.value = { jobId, runId: run, datasetId: ds, scope, phase: 'loading', done: 0, total: count, error: null }
    } catch (err) {
      errors.report('Could not start predicting', err)
    }
  }

  async function cancel(): Promise<void> {
    if (!job.value || !running.value) return
    try {
      await api['predictions:cancel']({ jobId: job.value.jobId })
    } catch (err) {
      errors.report('Could not cancel the prediction job', err)
    }
  }

  function onProgress(p: PredictionProgress): void {
    if (p.datasetId !== datasetId.value) return
    job.value = p
    if (p.phase === 'failed') errors.report('Predicting failed', new AppError('INTERNAL', p.error ?? 'unknown error'))
    if (p.phase !== 'loading' && p.phase !== 'predicting' && p.runId === runId.value) void loadQueues()
  }

  // A finetune that finishes while the view is open becomes choosable (the current choice stays).
  function onRunChanged(r: RunSummary): void {
    if (r.kind !== 'finetune' || r.status !== 'done' || r.config.datasetId !== datasetId.value) return
    if (runs.value.some((x) => x.id === r.id)) return
    runs.value = [r, ...runs.value]
    runId.value ??= r.id
  }

  const stop = [
    api.on('predictions:progress', onProgress),
    api.on('runs:changed', onRunChanged),
    // A label saved (editor, accept) moves its image between queues.
    api.on('labels:changed', () => void loadQueues()),
  ]
  onScopeDispose(() => stop.forEach((s) => s()))
  // A new run choice (also the one loadRuns picks) reloads the queues.
  watch(datasetId, () => void loadRuns(), { immediate: true })
  watch(runId, () => void loadQueues())

  return { runs, runId, job, running, labelNext, recheck, loadingQueues, predict, cancel, loadQueues }
}
