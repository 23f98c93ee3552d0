// The brush family: brush (selected class), eraser (background), border brush (only pixels that
// are border now) and the prediction brush (copies the prediction). Each pointer-down→up is one step.
import { TRIMAP_BACKGROUND } from '../../../../shared/trimap'
import type { Point } from '../mask/mask'
import { strokeSegment } from '../mask/brush'
import { copySegment } from '../mask/copy'
import { EMPTY_RECT, type Rect } from '../mask/rect'
import type { Tool, ToolContext, ToolId } from './tool'

interface StrokeSpec {
  id: ToolId
  label: string
  key: string
  /** Paints one capsule of the stroke; returns the rectangle it touched. */
  apply(ctx: ToolContext, from: Point, to: Point): Rect
}

function createStrokeTool(spec: StrokeSpec): Tool {
  let last: Point | null = null
  const paint = (ctx: ToolContext, from: Point, to: Point): void => {
    const rect = spec.apply(ctx, from, to)
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
  return createStrokeTool({
    id: 'brush',
    label: 'Brush',
    key: 'B',
    apply: (c, a, b) => strokeSegment(c.doc.mask, a, b, c.brushSize, c.classId),
  })
}

export function createEraserTool(): Tool {
  return createStrokeTool({
    id: 'eraser',
    label: 'Eraser (paints background)',
    key: 'E',
    apply: (c, a, b) => strokeSegment(c.doc.mask, a, b, c.brushSize, TRIMAP_BACKGROUND),
  })
}

/** Paints the selected class over border pixels only; with border selected it changes nothing. */
export function createBorderBrushTool(): Tool {
  return createStrokeTool({
    id: 'borderBrush',
    label: 'Border brush (repaints border pixels only)',
    key: 'R',
    apply: (c, a, b) => strokeSegment(c.doc.mask, a, b, c.brushSize, c.classId, 'borderOnly'),
  })
}

/** Copies the prediction's class ids under the brush; without a prediction it changes nothing. */
export function createPredictionBrushTool(): Tool {
  return createStrokeTool({
    id: 'predictionBrush',
    label: 'Paint from prediction (copies the prediction under the brush)',
    key: 'T',
    apply: (c, a, b) => (c.prediction ? copySegment(c.doc.mask, c.prediction, a, b, c.brushSize) : { ...EMPTY_RECT }),
  })
}
