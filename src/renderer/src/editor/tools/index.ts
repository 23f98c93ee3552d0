// The editor's tool set, in toolbar order; the commands and the toolbar are generated from it.
import { createBorderBrushTool, createBrushTool, createEraserTool, createPredictionBrushTool } from './stroke-tools'
import { createBandTool, createFillTool, createPolygonTool } from './region-tools'
import type { Tool } from './tool'

export type { Tool, ToolContext, ToolId, ToolKey } from './tool'

/** Fresh tools (they hold per-action state such as the polygon's points). */
export function createTools(): Tool[] {
  return [
    createBrushTool(),
    createEraserTool(),
    createBorderBrushTool(),
    createPredictionBrushTool(),
    createFillTool(),
    createPolygonTool(),
    createBandTool(),
  ]
}
