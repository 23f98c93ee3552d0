// The open image's editing state without Vue or DOM: which mask is edited (restored unsaved edit,
// trimap, or a blank one), whether it needs fixing first, and pointer/keys routed to the tools.
import { TRIMAP_BACKGROUND, type Trimap, type TrimapClass } from '../../../shared/trimap'
import { MaskDocument } from './history/document'
import type { History, HistoryManager } from './history/history'
import { copyAll } from './mask/copy'
import { createMask, hashBytes, type Mask, type Point } from './mask/mask'
import { EMPTY_RECT, isEmptyRect, type Rect } from './mask/rect'
import { inspectTrimap, repairTrimap, type TrimapReport } from './mask/validate'
import { createTools, type Tool, type ToolContext, type ToolId, type ToolKey } from './tools'

export interface EditorSettings {
  toolId: ToolId
  classId: TrimapClass
  brushSize: number
  bandWidth: number
}

export interface OpenedMask {
  mask: Mask
  history: History
  /** Problems found in the trimap (editing waits for Fix), or null when it is fine. */
  report: TrimapReport | null
  /** True when an edit whose save had failed was brought back from earlier in the session. */
  restored: boolean
}

/** Chooses the mask to edit and keeps the image's history only if it still matches that mask. */
export function openMask(
  imageId: number,
  trimap: Trimap | null,
  width: number,
  height: number,
  histories: HistoryManager,
): OpenedMask {
  const history = histories.get(imageId)
  const kept = history.unsaved
  history.unsaved = null
  if (kept && kept.width === width && kept.height === height) {
    return { mask: kept, history, report: null, restored: true }
  }
  let mask: Mask
  let report: TrimapReport | null = null
  if (!trimap) {
    mask = createMask(width, height, TRIMAP_BACKGROUND)
  } else {
    const r = inspectTrimap(trimap, width, height)
    report = r.ok ? null : r
    mask = { width: trimap.width, height: trimap.height, data: trimap.data.slice() }
  }
  // The stack is a chain of diffs from the mask left last time: any other starting mask breaks it.
  if (report || history.baseHash !== hashBytes(mask.data)) history.clear()
  history.baseHash = null
  // The image has no label now: undoing back to this state must remove the label again.
  if (!trimap) history.unlabelledAt = history.undoCount
  return { mask, history, report, restored: false }
}

export interface SessionHooks {
  /** A rectangle of the mask changed: repaint it. */
  painted(rect: Rect): void
  /** The mask's committed state changed (autosave, undo/redo buttons). */
  changed(): void
  /** Image pixels per few screen pixels at the current zoom. */
  pickRadius(): number
}

export class EditorSession {
  doc: MaskDocument
  report: TrimapReport | null
  readonly restored: boolean
  readonly tools: readonly Tool[] = createTools()
  /** The chosen run's prediction for this image (same size as the mask), or null. */
  prediction: Mask | null = null
  /** The run the prediction came from. */
  predictionRunId: number | null = null
  private readonly ctx: ToolContext

  constructor(
    readonly imageId: number,
    opened: OpenedMask,
    readonly width: number,
    readonly height: number,
    private readonly settings: EditorSettings,
    private readonly hooks: SessionHooks,
  ) {
    this.doc = new MaskDocument(opened.mask, opened.history)
    this.report = opened.report
    this.restored = opened.restored
    const self = this
    this.ctx = {
      get doc() {
        return self.doc
      },
      get classId() {
        return settings.classId
      },
      get brushSize() {
        return settings.brushSize
      },
      get bandWidth() {
        return settings.bandWidth
      },
      get pickRadius() {
        return hooks.pickRadius()
      },
      get prediction() {
        return self.prediction
      },
      changed: (rect) => hooks.painted(rect),
    }
  }

  /** Editing waits until a trimap with problems has been fixed. */
  get locked(): boolean {
    return this.report !== null
  }

  get tool(): Tool {
    return this.tools.find((t) => t.id === this.settings.toolId) ?? this.tools[0]!
  }

  pointerDown(p: Point): void {
    if (!this.locked) this.act(() => this.tool.onDown(this.ctx, p))
  }
  pointerMove(p: Point): void {
    if (!this.locked) this.tool.onMove(this.ctx, p)
  }
  pointerUp(p: Point): void {
    if (!this.locked) this.act(() => this.tool.onUp(this.ctx, p))
  }
  pointerCancel(): void {
    this.act(() => this.tool.reset?.(this.ctx))
  }

  toolKey(key: ToolKey): boolean {
    if (this.locked) return false
    let handled = false
    this.act(() => (handled = this.tool.onKey?.(this.ctx, key) ?? false))
    return handled
  }

  selectTool(id: ToolId): void {
    if (id === this.settings.toolId) return
    this.act(() => this.tool.reset?.(this.ctx))
    this.settings.toolId = id
  }

  undo(): void {
    this.act(() => this.hooks.painted(this.doc.undo() ?? EMPTY_RECT))
  }
  redo(): void {
    this.act(() => this.hooks.painted(this.doc.redo() ?? EMPTY_RECT))
  }

  /**
   * Shows a run's prediction (null: none). One of another size than the mask is refused with a
   * RangeError, since neither accepting nor painting from it could be pixel-exact.
   */
  setPrediction(runId: number | null, prediction: Mask | null): void {
    const m = this.doc.mask
    if (prediction && (prediction.width !== m.width || prediction.height !== m.height)) {
      throw new RangeError(`the prediction is ${prediction.width}×${prediction.height}, the trimap ${m.width}×${m.height}`)
    }
    this.prediction = prediction
    this.predictionRunId = prediction ? runId : null
  }

  /** True when the mask is exactly the shown prediction (so it may be saved as 'predicted'). */
  get matchesPrediction(): boolean {
    const p = this.prediction
    if (!p || this.doc.hasPending) return false
    const a = this.doc.mask.data
    for (let i = 0; i < a.length; i++) if (a[i] !== p.data[i]) return false
    return true
  }

  /** Replaces the whole mask by the prediction as one undoable step; false when there is nothing to do. */
  acceptPrediction(): boolean {
    const p = this.prediction
    if (!p || this.locked) return false
    let done = false
    this.act(() => {
      this.tool.reset?.(this.ctx)
      const rect = copyAll(this.doc.mask, p)
      done = !isEmptyRect(rect)
      this.doc.touch(rect)
      this.hooks.painted(rect)
      this.doc.commit('Accept prediction')
    })
    return done
  }

  /** Replaces a broken trimap by its repair (resize, map bad values); the image's history restarts. */
  fix(mapTo: TrimapClass): void {
    if (!this.report) return
    const history = this.doc.history
    history.clear()
    this.doc = new MaskDocument(repairTrimap(this.doc.mask, this.width, this.height, mapTo), history)
    this.report = null
    this.hooks.changed()
  }

  /**
   * True when the mask is back at the state in which the image had no label (undone past its first
   * edit): what to save then is "no label", not an all-background trimap.
   */
  get unlabelled(): boolean {
    return !this.doc.hasPending && this.doc.history.atUnlabelled
  }

  /** What to save: a copy of the mask (edits made while a save is in flight do not leak into it), or null for "no label". */
  toSave(): Trimap | null {
    return this.unlabelled ? null : this.snapshot()
  }

  /** A copy of the mask to save, so edits made while a save is in flight do not leak into it. */
  snapshot(): Trimap {
    const m = this.doc.mask
    return { width: m.width, height: m.height, data: m.data.slice() }
  }

  /** Called when the editor leaves this image: keeps what the history needs to stay valid. */
  leave(saved: boolean): void {
    this.tool.reset?.(this.ctx)
    this.doc.commit('Edit')
    const h = this.doc.history
    h.baseHash = hashBytes(this.doc.mask.data)
    h.unsaved = saved || this.locked ? null : this.doc.mask
  }

  // Runs a tool action and reports a change when it committed (or reverted) something.
  private act(fn: () => void): void {
    const before = this.doc.version
    fn()
    if (this.doc.version !== before) this.hooks.changed()
  }
}
