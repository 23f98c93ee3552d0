// Asks 'runs:plan' about the form's runs as it changes (debounced; stale answers dropped) and
// merges the form's own problems with the service's, so the start buttons know when to stay off.
import { computed, onScopeDispose, ref, watch, type Ref } from 'vue'
import type { PlanMemory, RunPlan } from '../../../../shared/types/runs'
import { useRunsStore } from '../../stores/runs'
import { formProblems, scratchFinetune, toConfigs, type TrainForm } from '../../../../shared/train-form'

export interface PipelinePlan {
  finetune: RunPlan
  pretrain: RunPlan | null
}

export function useRunPlan(form: Ref<TrainForm>, datasetId: Ref<number | null>, delayMs = 300) {
  const runs = useRunsStore()
  const plan = ref<PipelinePlan | null>(null)
  const planError = ref<string | null>(null)
  const planning = ref(false)
  let timer: ReturnType<typeof setTimeout> | null = null
  let seq = 0

  const localProblems = computed(() => {
    const problems = formProblems(form.value)
    if (datasetId.value === null) problems.unshift('Open a dataset first.')
    return problems
  })

  async function check(): Promise<void> {
    const id = ++seq
    if (localProblems.value.length || datasetId.value === null) {
      plan.value = null
      planError.value = null
      planning.value = false
      return
    }
    const configs = toConfigs(form.value, datasetId.value)
    planning.value = true
    try {
      // The finetune is checked as the pipeline checks it before queueing: as if its parent were done
      // (a finetune from a method's encoder without its pretraining run is a problem on its own).
      const [finetune, pretrain] = await Promise.all([
        runs.plan(scratchFinetune(form.value, datasetId.value)),
        configs.pretrain ? runs.plan(configs.pretrain) : Promise.resolve(null),
      ])
      if (id !== seq) return
      plan.value = { finetune, pretrain }
      planError.value = null
    } catch (err) {
      if (id !== seq) return
      plan.value = null
      planError.value = `Could not check the run: ${err instanceof Error ? err.message : String(err)}`
    } finally {
      if (id === seq) planning.value = false
    }
  }

  function schedule(): void {
    if (timer) clearTimeout(timer)
    planning.value = true
    timer = setTimeout(() => void check(), delayMs)
  }

  watch([form, datasetId], schedule, { deep: true, immediate: true })
  onScopeDispose(() => {
    if (timer) clearTimeout(timer)
  })

  const problems = computed(() => {
    if (localProblems.value.length) return localProblems.value
    if (planError.value) return [planError.value]
    const p = plan.value
    if (!p) return []
    // A problem both runs share (no backend loads…) is listed once.
    const fine = p.finetune.problems
    return [...(p.pretrain?.problems.filter((m) => !fine.includes(m)).map((m) => `Pretraining: ${m}`) ?? []), ...fine]
  })
  const ready = computed(() => !planning.value && plan.value !== null && problems.value.length === 0 && plan.value.finetune.ok && (plan.value.pretrain?.ok ?? true))

  // "Finetune only" and reuse skip pretraining, so only the finetune's own problems block them.
  const finetuneReady = computed(
    () => !planning.value && !localProblems.value.length && !planError.value && !!plan.value?.finetune.ok && !plan.value.finetune.problems.length,
  )

  return { plan, planning, problems, ready, finetuneReady, check }
}

/** What planning changed (a paper batch lowered to what the backend holds), run by run. */
export function planNotes(p: PipelinePlan): string[] {
  return [...(p.pretrain?.notes ?? []).map((m) => `Pretraining: ${m}`), ...(p.finetune.notes ?? []).map((m) => `Finetune: ${m}`)]
}

const gib = (b: number): string => `${(b / 1024 ** 3).toFixed(1)} GiB`
const mib = (b: number): string => `${Math.round(b / 1024 ** 2)} MiB`

/** "GPU ≈ 2.3 GiB per step; largest tensor 128 MiB of 2048 MiB per buffer" or "RAM ≈ 1.1 GiB per step of 3.6 GiB". */
export function memoryText(m: PlanMemory): string {
  const parts = [`${m.where === 'gpu' ? 'GPU' : 'RAM'} ≈ ${gib(m.stepBytes)} per step${m.budgetBytes !== undefined ? ` of ${gib(m.budgetBytes)}` : ''}`]
  if (m.largestTensorBytes !== undefined) {
    parts.push(`largest tensor ${mib(m.largestTensorBytes)}${m.maxBufferBytes !== undefined ? ` of ${mib(m.maxBufferBytes)} per buffer` : ''}`)
  }
  if (m.maxBatch !== undefined) parts.push(`batch ≤ ${m.maxBatch} fits`)
  return parts.join('; ')
}

/** "nvidia hopper (NVIDIA H200)", and "software" for SwiftShader and the like. */
export function adapterText(a: NonNullable<RunPlan['backend']['adapter']>): string {
  const head = [a.vendor, a.architecture].filter(Boolean).join(' ') || 'unnamed adapter'
  const detail = a.device || a.description
  return `${head}${detail && detail !== head ? ` (${detail})` : ''}${a.software ? ', software' : ''}`
}
