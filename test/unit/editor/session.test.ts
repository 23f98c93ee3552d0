// The editing session without a DOM: tools driven by pointer positions, one step per action,
// broken trimaps locked until fixed, history kept across image switches only when still valid.
import { describe, expect, it } from 'vitest'
import { EditorSession, openMask, type EditorSettings } from '../../../src/renderer/src/editor/editor-session'
import { HistoryManager } from '../../../src/renderer/src/editor/history/history'
import type { Rect } from '../../../src/renderer/src/editor/mask/rect'
import type { Trimap } from '../../../src/shared/trimap'
import { maskOf, rowsOf } from './helpers'

function open(trimap: Trimap | null, width: number, height: number, manager = new HistoryManager(), id = 1) {
  const settings: EditorSettings = { toolId: 'brush', classId: 1, brushSize: 1, bandWidth: 2 }
  const painted: Rect[] = []
  let changes = 0
  const opened = openMask(id, trimap, width, height, manager)
  const session = new EditorSession(id, opened, width, height, settings, {
    painted: (r) => painted.push(r),
    changed: () => changes++,
    pickRadius: () => 0.75,
  })
  return { session, settings, painted, changes: () => changes, manager }
}

describe('EditorSession', () => {
  it('starts an image without a trimap as all background', () => {
    const { session } = open(null, 3, 2)
    expect(rowsOf(session.doc.mask)).toEqual(['222', '222'])
    expect(session.locked).toBe(false)
  })

  it('a brush drag is one undo step and reports what to repaint', () => {
    const { session, painted, changes } = open(null, 5, 3)
    session.pointerDown({ x: 0.5, y: 1.5 })
    session.pointerMove({ x: 2.5, y: 1.5 })
    session.pointerUp({ x: 4.5, y: 1.5 })
    expect(rowsOf(session.doc.mask)).toEqual(['22222', '11111', '22222'])
    expect(painted.length).toBe(3)
    expect(session.doc.history.undoCount).toBe(1)
    expect(changes()).toBe(1)
    session.undo()
    expect(rowsOf(session.doc.mask)).toEqual(['22222', '22222', '22222'])
  })

  it('polygon: click points, close on the first point, fill with the class, one step', () => {
    const { session, settings } = open(null, 6, 6)
    settings.classId = 3
    session.selectTool('polygon')
    for (const p of [{ x: 1, y: 1 }, { x: 5, y: 1 }, { x: 5, y: 5 }, { x: 1, y: 5 }]) {
      session.pointerDown(p)
      session.pointerUp(p)
    }
    expect(session.tool.preview?.()?.length).toBe(4)
    session.pointerDown({ x: 1.3, y: 1.2 })
    expect(rowsOf(session.doc.mask)).toEqual(['222222', '233332', '233332', '233332', '233332', '222222'])
    expect(session.tool.preview?.()).toBeNull()
    expect(session.doc.history.undoCount).toBe(1)
  })

  it('polygon closes with Enter and Escape abandons it', () => {
    const { session } = open(null, 4, 4)
    session.selectTool('polygon')
    for (const p of [{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 0, y: 4 }]) session.pointerDown(p)
    expect(session.toolKey('Escape')).toBe(true)
    expect(session.toolKey('Enter')).toBe(false)
    for (const p of [{ x: 0, y: 0 }, { x: 4, y: 0 }, { x: 0, y: 4 }]) session.pointerDown(p)
    expect(session.toolKey('Enter')).toBe(true)
    expect(rowsOf(session.doc.mask)).toEqual(['1112', '1122', '1222', '2222'])
  })

  it('fill and boundary band are one step each', () => {
    const { session, settings } = open(maskOf(['1122', '1122']), 4, 2)
    session.selectTool('band')
    session.pointerDown({ x: 0, y: 0 })
    session.pointerUp({ x: 0, y: 0 })
    expect(rowsOf(session.doc.mask)).toEqual(['1332', '1332'])
    settings.classId = 1
    session.selectTool('fill')
    session.pointerDown({ x: 3.5, y: 0.5 })
    expect(rowsOf(session.doc.mask)).toEqual(['1331', '1331'])
    expect(session.doc.history.undoCount).toBe(2)
  })

  it('a trimap with problems is locked until fixed, and Fix is explicit', () => {
    const bad = { width: 2, height: 1, data: new Uint8Array([1, 0]) }
    const { session } = open(bad, 4, 2)
    expect(session.locked).toBe(true)
    expect(session.report?.sizeMismatch).toEqual({ width: 2, height: 1 })
    session.pointerDown({ x: 0.5, y: 0.5 })
    session.pointerUp({ x: 0.5, y: 0.5 })
    expect(Array.from(session.doc.mask.data)).toEqual([1, 0])
    session.fix(2)
    expect(session.locked).toBe(false)
    expect(rowsOf(session.doc.mask)).toEqual(['1122', '1122'])
  })

  it('keeps an image history across a switch when the reloaded trimap is the one left', () => {
    const manager = new HistoryManager()
    const first = open(maskOf(['222', '222']), 3, 2, manager, 7).session
    first.pointerDown({ x: 0.5, y: 0.5 })
    first.pointerUp({ x: 0.5, y: 0.5 })
    const saved = first.snapshot()
    first.leave(true)
    const again = open(saved, 3, 2, manager, 7).session
    expect(again.doc.history.undoCount).toBe(1)
    again.undo()
    expect(rowsOf(again.doc.mask)).toEqual(['222', '222'])
  })

  it('drops the history when the trimap changed meanwhile, and restores an unsaved edit', () => {
    const manager = new HistoryManager()
    const first = open(maskOf(['222']), 3, 1, manager, 7).session
    first.pointerDown({ x: 0.5, y: 0.5 })
    first.pointerUp({ x: 0.5, y: 0.5 })
    first.leave(true)
    const changed = open(maskOf(['333']), 3, 1, manager, 7).session
    expect(changed.doc.history.undoCount).toBe(0)
    changed.pointerDown({ x: 2.5, y: 0.5 })
    changed.pointerUp({ x: 2.5, y: 0.5 })
    changed.leave(false)
    // The save failed: coming back shows the edit, not the file.
    const back = open(maskOf(['333']), 3, 1, manager, 7).session
    expect(back.restored).toBe(true)
    expect(rowsOf(back.doc.mask)).toEqual(['331'])
    back.undo()
    expect(rowsOf(back.doc.mask)).toEqual(['333'])
  })
})
