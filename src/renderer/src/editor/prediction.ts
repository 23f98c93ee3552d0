// Predictions in the editor: what a host passes in (finished runs, how to load and accept a run's
// prediction), the run chosen last in this session (the Review tab presets it) and the wiring that
// loads the chosen run's prediction for the open image into the session and the view.
import { reactive, ref } from 'vue'
import type { Trimap } from '../../../shared/trimap'
import type { EditorSession } from './editor-session'
import type { MaskView } from './view/konva-view'

export interface PredictionRun {
  id: number
  label: string
}

export interface PredictionSource {
  /** Runs whose predictions can be shown (finished finetunes of the open dataset). */
  runs: readonly PredictionRun[]
  /** The run's prediction at the image's size, or null when it has not predicted this image. */
  load(runId: number, imageId: number): Promise<Trimap | null>
  /** Saves the run's prediction as the image's trimap with provenance 'predicted'. */
  accept(runId: number, imageId: number): Promise<void>
  /**
   * Calls `updated(runId)` whenever a run's predictions for the open dataset may have changed (a
   * prediction job ended), so the open image's overlay appears or refreshes; returns the unsubscribe.
   */
  subscribe?(updated: (runId: number) => void): () => void
}

export type PredictionStatus = 'off' | 'loading' | 'shown' | 'missing' | 'failed'

/** The run whose predictions the editor shows, remembered for the session; null shows none. */
export const chosenPredictionRun = ref<number | null>(null)

/** Lets another view (Review) preselect the run before it opens an image in the editor. */
export function choosePredictionRun(runId: number | null): void {
  chosenPredictionRun.value = runId
}

interface Deps {
  session(): EditorSession | null
  view(): MaskView | null
  source(): PredictionSource | undefined
  /** The mask was replaced by the prediction: save it now. */
  accepted(): void
}

export function usePrediction(deps: Deps) {
  const state = reactive({ status: 'off' as PredictionStatus, message: '', opacity: 0.8, visible: true })
  let token = 0

  /** (Re)loads the chosen run's prediction for the open image; stale answers are dropped. */
  async function load(): Promise<void> {
    const s = deps.session()
    const src = deps.source()
    const runId = chosenPredictionRun.value
    const mine = ++token
    s?.setPrediction(null, null)
    deps.view()?.setPrediction(null)
    state.message = ''
    if (!s || !src || runId === null || !src.runs.some((r) => r.id === runId)) {
      state.status = 'off'
      return
    }
    state.status = 'loading'
    await fetchInto(s, src, runId, mine)
  }

  /**
   * The run's predictions changed on disk: when it is the one shown, fetch it again for the open
   * image. What is drawn stays until the new answer arrives (no flash of an empty layer).
   */
  async function refresh(runId: number): Promise<void> {
    const s = deps.session()
    const src = deps.source()
    if (!s || !src || runId !== chosenPredictionRun.value || !src.runs.some((r) => r.id === runId)) return
    await fetchInto(s, src, runId, ++token)
  }

  async function fetchInto(s: EditorSession, src: PredictionSource, runId: number, mine: number): Promise<void> {
    try {
      const t = await src.load(runId, s.imageId)
      if (mine !== token || deps.session() !== s) return
      s.setPrediction(runId, t)
      deps.view()?.setPrediction(t)
      state.status = t ? 'shown' : 'missing'
      state.message = ''
    } catch (err) {
      if (mine !== token) return
      state.status = 'failed'
      state.message = err instanceof Error ? err.message : String(err)
    }
  }

  /** Follows the source's updates (see PredictionSource.subscribe); returns the unsubscribe. */
  function follow(): () => void {
    return deps.source()?.subscribe?.((runId) => void refresh(runId)) ?? (() => {})
  }

  function choose(runId: number | null): void {
    chosenPredictionRun.value = runId
    void load()
  }

  function setLook(opacity: number, visible: boolean): void {
    state.opacity = opacity
    state.visible = visible
    deps.view()?.setPredictionOverlay(opacity, visible)
  }

  /** Replaces the mask by the prediction (one undo step) and saves it as 'predicted'; false when nothing was shown. */
  function accept(): boolean {
    const s = deps.session()
    if (!s?.prediction || s.locked) return false
    s.acceptPrediction()
    deps.accepted()
    return true
  }

  return {
    state,
    load,
    refresh,
    follow,
    choose,
    setLook,
    accept,
    toggle: () => setLook(state.opacity, !state.visible),
    /** Applies the current look to a freshly made view. */
    attach: () => deps.view()?.setPredictionOverlay(state.opacity, state.visible),
  }
}
