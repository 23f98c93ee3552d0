// The brush size the annotator chose last, kept in localStorage so it stays the same across images,
// editor re-opens and page reloads. Undo/redo never touch it (they change the mask only).
import { clampBrushSize } from './mask/brush'

export const DEFAULT_BRUSH_SIZE = 12
const STORAGE_KEY = 'unet-ssl-workbench.editor.brushSize'

/** The remembered size, or the default when none is stored (or what is stored is not a size). */
export function loadBrushSize(storage: Pick<Storage, 'getItem'> | undefined): number {
  let text: string | null = null
  try {
    text = storage?.getItem(STORAGE_KEY) ?? null
  } catch {
    // Storage can be disabled (privacy settings): the default then applies.
  }
  const n = text === null ? NaN : Number(text)
  return Number.isFinite(n) && n > 0 ? clampBrushSize(n) : DEFAULT_BRUSH_SIZE
}

export function saveBrushSize(storage: Pick<Storage, 'setItem'> | undefined, size: number): void {
  try {
    storage?.setItem(STORAGE_KEY, String(clampBrushSize(size)))
  } catch {
    // Full or disabled storage: the size still holds for this editor, just not after a reload.
  }
}

/** The page's localStorage where there is one (not in Node tests). */
export function pageStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage
  } catch {
    return undefined
  }
}
