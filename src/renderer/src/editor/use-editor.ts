// The TrimapEditor component's wiring: one EditorSession per image, the Konva view, input, keyboard
// commands and autosave. The component only lays out what this returns.
import { computed, reactive, ref, shallowRef, watch } from 'vue'
import type { Trimap, TrimapClass } from '../../../shared/trimap'
import { Autosave, type SaveState } from './autosave'
import { loadBrushSize, pageStorage, saveBrushSize } from './brush-memory'
import {
  buildCommands,
  detectPlatform,
  findCommand,
  formatChord,
  isTypingTarget,
  type EditorActions,
  type NavigationTarget,
} from './commands'
import { EditorSession, openMask, type EditorSettings } from './editor-session'
import { HistoryManager } from './history/history'
import { clampBrushSize } from './mask/brush'
import type { Point } from './mask/mask'
import { describeReport } from './mask/validate'
import { usePrediction, type PredictionSource } from './prediction'
import { AUTOSAVE_DELAY_MS, type SaveOnUnload, type SaveTrimap } from './save'
import { createTools } from './tools'
import { guardUnload } from './unload-guard'
import { MaskView } from './view/konva-view'
import { attachInput } from './view/view-input'

/** Undo histories for the whole session, shared by every editor instance unless one is passed. */
export const sessionHistories = new HistoryManager()

export interface EditorInput {
  imageId: number
  imageUrl: string
  trimap: Trimap | null
  width: number
  height: number
}

export interface EditorHooks {
  onSaved(imageId: number): void
  /** Escape that no tool or overlay wanted (no polygon in progress, help closed): the host may leave. */
  onEscape(): void
  /** The user asked to clear the image's label: the host confirms, then clears. */
  onClearLabel?(): void
  /** Saves as the page goes away; without it, unsaved edits make the page warn before it goes. */
  saveOnUnload?: SaveOnUnload
  /** Previous / next / next unlabelled image of the host's list (the host saves first). */
  onNavigate?(to: NavigationTarget): void
}

export function useEditor(
  save: SaveTrimap,
  histories: HistoryManager,
  hooks: EditorHooks,
  predictionSource: () => PredictionSource | undefined = () => undefined,
) {
  const platform = detectPlatform(typeof navigator === 'undefined' ? undefined : navigator)
  const commands = buildCommands(createTools())
  const storage = pageStorage()
  const settings = reactive<EditorSettings>({ toolId: 'brush', classId: 1, brushSize: loadBrushSize(storage), bandWidth: 4 })
  watch(
    () => settings.brushSize,
    (n) => saveBrushSize(storage, n),
  )
  const overlay = reactive({ opacity: 0.5, visible: true })
  const saveState = ref<SaveState>({ kind: 'saved' })
  const history = reactive({ canUndo: false, canRedo: false })
  // The image has a trimap (saved, or painted here): accepting a prediction would replace it.
  const hasTrimap = ref(false)
  const warning = shallowRef<{ lines: string[]; hasBadValues: boolean } | null>(null)
  const notice = ref<string | null>(null)
  const helpOpen = ref(false)
  const zoom = ref(1)
  const panCursor = ref<string | null>(null)
  const session = shallowRef<EditorSession | null>(null)
  let view: MaskView | null = null
  let autosave: Autosave | null = null
  let hover: Point | null = null
  let lastFit: string | null = null
  let loadToken = 0
  // A stroke is being drawn: Escape then must not take the user away mid-action.
  let pointerActive = false
  const cleanups: (() => void)[] = []
  const prediction = usePrediction({
    session: () => session.value,
    view: () => view,
    source: predictionSource,
    accepted: () => (autosave?.markDirty(), void autosave?.flush()),
  })
  // A prediction job ending while an image is open shows its prediction without reopening the image;
  // a host that passes another source is followed anew (the watcher ends with the component).
  watch(
    () => predictionSource()?.subscribe,
    (_now, _before, onCleanup) => onCleanup(prediction.follow()),
    { immediate: true },
  )

  const cursor = computed(() => panCursor.value ?? (warning.value ? 'not-allowed' : currentTool().cursor))
  const currentTool = () => session.value?.tool ?? createTools()[0]!

  function refresh(): void {
    const s = session.value
    history.canUndo = s?.doc.history.canUndo ?? false
    history.canRedo = s?.doc.history.canRedo ?? false
    hasTrimap.value = !!s && !s.unlabelled
    const showFoot = s && !s.locked && s.tool.showsFootprint ? hover : null
    view?.showFootprint(showFoot, settings.brushSize)
    view?.showOutline(s?.tool.preview?.() ?? null, hover)
  }

  const actions: EditorActions = {
    undo: () => session.value?.undo(),
    redo: () => session.value?.redo(),
    selectTool: (id) => {
      session.value?.selectTool(id)
      settings.toolId = id
      refresh()
    },
    selectClass: (c: TrimapClass) => void (settings.classId = c),
    stepBrushSize: (dir) => {
      const s = settings.brushSize
      settings.brushSize = clampBrushSize(dir > 0 ? Math.max(s + 1, s * 1.25) : Math.min(s - 1, s / 1.25))
      refresh()
    },
    zoomFit: () => fit(),
    zoomActual: () => view?.actualSize(),
    zoomBy: (f) => view?.zoomBy(f),
    toggleOverlay: () => setOverlay(overlay.opacity, !overlay.visible),
    acceptPrediction: () => {
      const replaced = hasTrimap.value
      if (prediction.accept() && replaced) {
        const undo = commands.find((c) => c.id === 'undo')!.keys.map((k) => formatChord(k, platform))[0]
        notice.value = `The prediction replaced your trimap. Undo (${undo}) brings your trimap back.`
      }
    },
    togglePrediction: () => prediction.toggle(),
    clearLabel: () => hooks.onClearLabel?.(),
    save: () => void autosave?.flush(),
    navigate: (to) => hooks.onNavigate?.(to),
    toggleHelp: () => void (helpOpen.value = !helpOpen.value),
    toolKey: (key) => {
      if (key === 'Escape' && helpOpen.value) return !(helpOpen.value = false)
      const handled = session.value?.toolKey(key) ?? false
      refresh()
      return handled
    },
  }

  function fit(): void {
    if (!view) return
    view.fit()
    lastFit = JSON.stringify(view.transform)
  }

  function onKey(ev: KeyboardEvent): void {
    if (ev.defaultPrevented || isTypingTarget(ev.target)) return
    const cmd = findCommand(commands, ev, platform)
    if (cmd && cmd.run(actions) !== false) ev.preventDefault()
    else if (ev.key === 'Escape' && !pointerActive) hooks.onEscape()
  }

  function mount(container: HTMLDivElement, input: EditorInput): void {
    view = new MaskView(container)
    view.onTransform = (t) => (zoom.value = t.scale)
    prediction.attach()
    cleanups.push(
      attachInput(container, view, {
        down: (p) => ((pointerActive = true), session.value?.pointerDown(p), refresh()),
        move: (p) => session.value?.pointerMove(p),
        up: (p) => ((pointerActive = false), session.value?.pointerUp(p), refresh()),
        cancel: () => ((pointerActive = false), session.value?.pointerCancel()),
        hover: (p) => ((hover = p), refresh()),
        panCursor: (c) => (panCursor.value = c),
      }),
    )
    const ro = new ResizeObserver(() => {
      if (!view) return
      const wasFit = lastFit === JSON.stringify(view.transform)
      view.resize(container.clientWidth, container.clientHeight)
      if (wasFit) fit()
    })
    ro.observe(container)
    cleanups.push(() => ro.disconnect())
    window.addEventListener('keydown', onKey)
    cleanups.push(() => window.removeEventListener('keydown', onKey))
    cleanups.push(guardUnload({ window, document }, () => autosave?.sendNow() ?? true))
    open(input)
  }

  function open(input: EditorInput): void {
    if (!view) return
    const opened = openMask(input.imageId, input.trimap, input.width, input.height, histories)
    const s = new EditorSession(input.imageId, opened, input.width, input.height, settings, {
      painted: (r) => view?.repaint(r),
      changed: () => (autosave?.markDirty(), refresh()),
      pickRadius: () => 8 / (view?.transform.scale ?? 1),
    })
    session.value = s
    autosave = new Autosave({
      delayMs: AUTOSAVE_DELAY_MS,
      save: () => saveSession(s).then(() => hooks.onSaved(s.imageId)),
      // As the page goes an accepted prediction travels as its pixels too (provenance 'edited'): one call, no waiting.
      sendNow: () => hooks.saveOnUnload?.(s.imageId, s.toSave())?.then(() => hooks.onSaved(s.imageId)) ?? null,
      onState: (st) => (saveState.value = st),
    })
    saveState.value = { kind: 'saved' }
    warning.value = s.report
      ? { lines: describeReport(s.report, input.width, input.height), hasBadValues: s.report.badPixelCount > 0 }
      : null
    notice.value = opened.restored ? 'Restored your unsaved edit of this image from earlier in this session.' : null
    if (opened.restored) autosave.markDirty()
    view.setImage(null, { width: input.width, height: input.height })
    view.setMask(s.doc.mask)
    view.setOverlay(overlay.opacity, overlay.visible)
    fit()
    refresh()
    void prediction.load()
    void loadImage(input.imageUrl, input.width, input.height)
  }

  // A mask that is exactly the shown prediction is saved as the run's prediction (provenance
  // 'predicted'); an image undone back to having no label is saved as none (null); anything else,
  // an undone accept included, through the normal save ('edited').
  function saveSession(s: EditorSession): Promise<void> {
    const src = predictionSource()
    const runId = s.predictionRunId
    const trimap = s.toSave()
    if (trimap && src && runId !== null && s.matchesPrediction) return src.accept(runId, s.imageId)
    return save(s.imageId, trimap)
  }

  async function loadImage(url: string, width: number, height: number): Promise<void> {
    const token = ++loadToken
    const img = new Image()
    img.src = url
    try {
      await img.decode()
    } catch {
      if (token === loadToken) notice.value = `Could not load the image from ${url}; the trimap is still editable.`
      return
    }
    if (token === loadToken) view?.setImage(img, { width, height })
  }

  /** Leaves the open image: its edit is saved now; a failed save keeps it for this session. */
  function leave(): Promise<void> {
    const s = session.value
    const a = autosave
    session.value = null
    autosave = null
    if (!s || !a) return Promise.resolve()
    s.leave(!a.hasUnsaved)
    return a.flush().then((ok) => {
      a.dispose()
      const h = s.doc.history
      if (ok && h.unsaved === s.doc.mask) h.unsaved = null
      if (!ok && a.state.kind === 'failed') {
        notice.value = `Image ${s.imageId} was not saved (${a.state.reason}); the edit is kept for this session.`
      }
    })
  }

  function switchTo(input: EditorInput): void {
    void leave()
    open(input)
  }

  function fix(mapTo: TrimapClass): void {
    const s = session.value
    if (!s || !view) return
    s.fix(mapTo)
    view.setMask(s.doc.mask)
    warning.value = null
    refresh()
    void prediction.load()
  }

  function unmount(): Promise<void> {
    const done = leave()
    for (const c of cleanups.splice(0)) c()
    view?.destroy()
    view = null
    return done
  }

  function setOverlay(opacity: number, visible: boolean): void {
    overlay.opacity = opacity
    overlay.visible = visible
    view?.setOverlay(opacity, visible)
  }

  return {
    platform, commands, settings, overlay, prediction, saveState, history, hasTrimap, warning, notice, helpOpen, zoom, cursor,
    actions, mount, switchTo, unmount, fix, setOverlay, refresh,
    retrySave: () => void autosave?.flush(),
    /** Saves the open image now; true when nothing is left unsaved. */
    flush: (): Promise<boolean> => autosave?.flush() ?? Promise.resolve(true),
  }
}
