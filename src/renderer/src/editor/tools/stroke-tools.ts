// The brush family: brush (selected class), eraser (background) and border brush (only pixels that
// are border now). Each pointer-down→up is one history step.
import { TRIMAP_BACKGROUND } from '../../../../shared/trimap'
import type { Point } from '../mask/mask'
import { strokeSegment, type PaintMode } from '../mask/brush'
import type { Tool, ToolContext, ToolId } from './tool'

interface StrokeSpec {
  id: ToolId
  label: string
  key: string
  mode: PaintMode
  value(ctx: ToolContext): number
}

function createStrokeTool(spec: StrokeSpec): Tool {
  let last: Point | null = null
  const paint = (ctx: ToolContext, from: Point, to: Point): void => {
    const rect = strokeSegment(ctx.doc.mask, from, to, ctx.brushSize, spec.value(ctx), spec.mode)
    ctx.doc.touch(rect)
    ctx.changed(rect)
  }
  return {
    id: spec.id,
    label: spec.label,
    key: spec.key,
    cursor: 'none',
    showsFootprint: true,
    onDown(ctx, p) {
      last = p
      paint(ctx, p, p)
    },
    onMove(ctx, p) {
      if (!last) return
      paint(ctx, last, p)
      last = p
    },
    onUp(ctx, p) {
      if (!last) return
      paint(ctx, last, p)
      last = null
      ctx.doc.commit(spec.label)
    },
    reset(ctx) {
      if (last) ctx.changed(ctx.doc.cancel())
      last = null
    },
  }
}

export function createBrushTool(): Tool {
  return createStrokeTool({ id: 'brush', label: 'Brush', key: 'B', mode: 'paint', value: (c) => c.classId })
}

export function createEraserTool(): Tool {
  return createStrokeTool({
    id: 'eraser',
    label: 'Eraser (paints background)',
    key: 'E',
    mode: 'paint',
    value: () => TRIMAP_BACKGROUND,
  })
}

/** Paints the selected class over border pixels only; with border selected it changes nothing. */
export function createBorderBrushTool(): Tool {
  return createStrokeTool({
    id: 'borderBrush',
    label: 'Border brush (repaints border pixels only)',
    key: 'R',
    mode: 'borderOnly',
    value: (c) => c.classId,
  })
}
