// What every editing tool is: a small object the view feeds with pointer positions in image
// coordinates; it edits the mask through the context and closes one history step per action.
import type { TrimapClass } from '../../../../shared/trimap'
import type { MaskDocument } from '../history/document'
import type { Mask, Point } from '../mask/mask'
import type { Rect } from '../mask/rect'

export type ToolId = 'brush' | 'eraser' | 'borderBrush' | 'predictionBrush' | 'fill' | 'polygon' | 'band'

export interface ToolContext {
  readonly doc: MaskDocument
  readonly classId: TrimapClass
  /** Brush diameter in image pixels. */
  readonly brushSize: number
  readonly bandWidth: number
  /** How many image pixels a few screen pixels span at the current zoom (polygon closing). */
  readonly pickRadius: number
  /** The chosen run's predicted trimap at the mask's size, or null when none is shown. */
  readonly prediction: Mask | null
  /** Tells the view which rectangle of the mask changed. */
  changed(rect: Rect): void
}

export type ToolKey = 'Enter' | 'Escape' | 'Backspace'

export interface Tool {
  readonly id: ToolId
  /** Accessible name, shown in the toolbar and the shortcut help. */
  readonly label: string
  /** Shortcut (a key chord as in commands.ts). */
  readonly key: string
  /** CSS cursor over the canvas; 'none' where the view draws the brush footprint instead. */
  readonly cursor: string
  /** True for tools whose footprint the view should draw under the pointer. */
  readonly showsFootprint: boolean
  onDown(ctx: ToolContext, p: Point): void
  onMove(ctx: ToolContext, p: Point): void
  onUp(ctx: ToolContext, p: Point): void
  /** Keys a tool handles itself (the polygon's Enter/Escape); true when handled. */
  onKey?(ctx: ToolContext, key: ToolKey): boolean
  /** Points the view draws as an unfinished outline (the polygon so far). */
  preview?(): readonly Point[] | null
  /** Forgets unfinished state, e.g. when another tool or image is chosen. */
  reset?(ctx: ToolContext): void
}

/** Closes an action: one history step and a repaint of what changed. */
export function finish(ctx: ToolContext, rect: Rect, label: string): void {
  ctx.doc.touch(rect)
  ctx.changed(rect)
  ctx.doc.commit(label)
}
