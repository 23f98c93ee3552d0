// Tools that act on a region at once: flood fill, polygon (click points, close on the first point
// or Enter) and the boundary band over the whole mask. Each is one history step.
import { boundaryBand } from '../mask/band'
import { fillPolygon, floodFill } from '../mask/fill'
import type { Point } from '../mask/mask'
import { finish, type Tool, type ToolContext } from './tool'

export function createFillTool(): Tool {
  return {
    id: 'fill',
    label: 'Fill region',
    key: 'G',
    cursor: 'crosshair',
    showsFootprint: false,
    onDown(ctx, p) {
      finish(ctx, floodFill(ctx.doc.mask, p.x, p.y, ctx.classId), 'Fill')
    },
    onMove() {},
    onUp() {},
  }
}

export function createPolygonTool(): Tool {
  const points: Point[] = []
  const close = (ctx: ToolContext): void => {
    if (points.length >= 3) finish(ctx, fillPolygon(ctx.doc.mask, points, ctx.classId), 'Polygon')
    points.length = 0
  }
  return {
    id: 'polygon',
    label: 'Polygon',
    key: 'P',
    cursor: 'crosshair',
    showsFootprint: false,
    onDown(ctx, p) {
      const first = points[0]
      if (first && points.length >= 3 && Math.hypot(p.x - first.x, p.y - first.y) <= ctx.pickRadius) {
        close(ctx)
        return
      }
      points.push({ x: p.x, y: p.y })
    },
    onMove() {},
    onUp() {},
    onKey(ctx, key) {
      if (points.length === 0) return false
      if (key === 'Enter') close(ctx)
      else if (key === 'Escape') points.length = 0
      else points.pop()
      return true
    },
    preview() {
      return points.length > 0 ? points : null
    },
    reset() {
      points.length = 0
    },
  }
}

export function createBandTool(): Tool {
  return {
    id: 'band',
    label: 'Boundary band (click to recompute border)',
    key: 'N',
    cursor: 'cell',
    showsFootprint: false,
    onDown(ctx) {
      finish(ctx, boundaryBand(ctx.doc.mask, ctx.bandWidth), 'Boundary band')
    },
    onMove() {},
    onUp() {},
  }
}
