// @vitest-environment happy-dom
// The brush size is kept across images and reloads (localStorage) and is never changed by undo/redo.
import { nextTick } from 'vue'
import { beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_BRUSH_SIZE, loadBrushSize, saveBrushSize } from '../../../src/renderer/src/editor/brush-memory'
import { EditorSession, openMask, type EditorSettings } from '../../../src/renderer/src/editor/editor-session'
import { HistoryManager } from '../../../src/renderer/src/editor/history/history'
import { MAX_BRUSH } from '../../../src/renderer/src/editor/mask/brush'
import { useEditor } from '../../../src/renderer/src/editor/use-editor'

const mapStorage = () => {
  const m = new Map<string, string>()
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) }
}
const broken = {
  getItem: (): string => {
    throw new Error('SecurityError')
  },
  setItem: (): void => {
    throw new Error('QuotaExceededError')
  },
}
const editor = () => useEditor(async () => {}, new HistoryManager(), { onSaved: () => {}, onEscape: () => {} })

describe('brush size memory', () => {
  beforeEach(() => localStorage.clear())

  it('reads back what was saved, clamped, and the default when nothing usable is stored', () => {
    const s = mapStorage()
    expect(loadBrushSize(s)).toBe(DEFAULT_BRUSH_SIZE)
    saveBrushSize(s, 31)
    expect(loadBrushSize(s)).toBe(31)
    saveBrushSize(s, 10_000)
    expect(loadBrushSize(s)).toBe(MAX_BRUSH)
    s.setItem('unet-ssl-workbench.editor.brushSize', 'wide')
    expect(loadBrushSize(s)).toBe(DEFAULT_BRUSH_SIZE)
    expect(loadBrushSize(undefined)).toBe(DEFAULT_BRUSH_SIZE)
  })

  it('survives storage that refuses reads and writes', () => {
    expect(loadBrushSize(broken)).toBe(DEFAULT_BRUSH_SIZE)
    expect(() => saveBrushSize(broken, 20)).not.toThrow()
  })

  it('a size chosen in one editor is where the next editor (next image, reload) starts', async () => {
    const first = editor()
    expect(first.settings.brushSize).toBe(DEFAULT_BRUSH_SIZE)
    first.actions.stepBrushSize(1)
    first.actions.stepBrushSize(1)
    const chosen = first.settings.brushSize
    expect(chosen).toBeGreaterThan(DEFAULT_BRUSH_SIZE)
    await nextTick()
    expect(editor().settings.brushSize).toBe(chosen)
  })

  it('undo and redo change the mask, never the brush size', () => {
    const settings: EditorSettings = { toolId: 'brush', classId: 1, brushSize: 3, bandWidth: 2 }
    const s = new EditorSession(1, openMask(1, null, 8, 8, new HistoryManager()), 8, 8, settings, {
      painted: () => {},
      changed: () => {},
      pickRadius: () => 1,
    })
    s.pointerDown({ x: 4, y: 4 })
    s.pointerUp({ x: 4, y: 4 })
    settings.brushSize = 7
    s.undo()
    expect(settings.brushSize).toBe(7)
    s.redo()
    expect(settings.brushSize).toBe(7)
    expect(s.doc.history.canUndo).toBe(true)
  })
})
