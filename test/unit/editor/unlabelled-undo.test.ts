// An image that had no label: undoing back past its first edit (a stroke, an accepted prediction)
// must save "no label" (null), not an all-background trimap; a labelled image undone to its start
// saves its trimap as before. The "no label" state survives switching images and the byte cap.
import { describe, expect, it } from 'vitest'
import { EditorSession, openMask, type EditorSettings } from '../../../src/renderer/src/editor/editor-session'
import { History, HistoryManager } from '../../../src/renderer/src/editor/history/history'
import type { Trimap } from '../../../src/shared/trimap'
import { maskOf, rowsOf } from './helpers'

function open(trimap: Trimap | null, width: number, height: number, manager = new HistoryManager(), id = 1) {
  const settings: EditorSettings = { toolId: 'brush', classId: 1, brushSize: 1, bandWidth: 2 }
  const opened = openMask(id, trimap, width, height, manager)
  return new EditorSession(id, opened, width, height, settings, {
    painted: () => {},
    changed: () => {},
    pickRadius: () => 0.75,
  })
}

function click(s: EditorSession, x: number, y: number): void {
  s.pointerDown({ x, y })
  s.pointerUp({ x, y })
}

const rows = (t: Trimap | null) => (t ? rowsOf(t) : null)

describe('undo back to an unlabelled image', () => {
  it('saves "no label" at the start, the painted trimap after redo', () => {
    const s = open(null, 3, 2)
    expect(s.toSave()).toBeNull()
    click(s, 0.5, 0.5)
    expect(rows(s.toSave())).toEqual(['122', '222'])
    s.undo()
    expect(rowsOf(s.doc.mask)).toEqual(['222', '222'])
    expect(s.toSave()).toBeNull()
    s.redo()
    expect(rows(s.toSave())).toEqual(['122', '222'])
  })

  it('an accepted prediction undone leaves the image unlabelled', () => {
    const s = open(null, 3, 1)
    s.setPrediction(4, maskOf(['113']))
    expect(s.acceptPrediction()).toBe(true)
    expect(s.matchesPrediction).toBe(true)
    s.undo()
    expect(s.toSave()).toBeNull()
  })

  it('painting again after undoing to the start, then undoing, is unlabelled again', () => {
    const s = open(null, 3, 1)
    click(s, 0.5, 0.5)
    s.undo()
    click(s, 2.5, 0.5)
    expect(rows(s.toSave())).toEqual(['221'])
    s.undo()
    expect(s.toSave()).toBeNull()
  })

  it('a stroke in progress at the start is not "no label"', () => {
    const s = open(null, 3, 1)
    s.pointerDown({ x: 0.5, y: 0.5 })
    expect(rows(s.toSave())).toEqual(['122'])
  })

  it('a labelled image undone to its start saves its trimap, even an all-background one', () => {
    const s = open(maskOf(['222']), 3, 1)
    click(s, 0.5, 0.5)
    s.undo()
    expect(rows(s.toSave())).toEqual(['222'])
  })

  it('keeps the "no label" start across leaving the image and coming back to the saved trimap', () => {
    const manager = new HistoryManager()
    const first = open(null, 3, 1, manager, 7)
    click(first, 0.5, 0.5)
    const saved = first.snapshot()
    first.leave(true)
    const again = open(saved, 3, 1, manager, 7)
    expect(rows(again.toSave())).toEqual(['122'])
    again.undo()
    expect(again.toSave()).toBeNull()
  })

  it('an unsaved "no label" is restored on return, still saving as none', () => {
    const manager = new HistoryManager()
    const first = open(null, 3, 1, manager, 7)
    click(first, 0.5, 0.5)
    first.leave(true)
    const labelled = open(first.snapshot(), 3, 1, manager, 7)
    labelled.undo()
    labelled.leave(false) // clearing failed
    const back = open(labelled.snapshot(), 3, 1, manager, 7)
    expect(back.restored).toBe(true)
    expect(back.toSave()).toBeNull()
  })
})

describe('History.unlabelledAt', () => {
  const entry = () => ({ rect: { x: 0, y: 0, w: 1, h: 1 }, before: new Uint8Array([2]), after: new Uint8Array([1]), label: 'Edit' })

  it('is lost with the redo entries a new edit discards', () => {
    const h = new HistoryManager().get(1)
    h.push(entry())
    h.unlabelledAt = 1
    h.takeUndo()
    expect(h.atUnlabelled).toBe(false)
    h.push(entry())
    expect(h.unlabelledAt).toBeNull()
  })

  it('follows the byte cap: shifts when the oldest step goes, is lost when its state goes', () => {
    const manager = new HistoryManager(3 * 162)
    const h: History = manager.get(1)
    h.unlabelledAt = 0
    h.push(entry())
    h.push(entry())
    h.push(entry())
    expect(h.undoCount).toBe(3)
    h.push(entry())
    // The state before the first step can no longer be reached by undo.
    expect(h.undoCount).toBe(3)
    expect(h.unlabelledAt).toBeNull()
    expect(h.atUnlabelled).toBe(false)

    const g = new HistoryManager(3 * 162).get(2)
    g.push(entry())
    g.unlabelledAt = 1
    g.push(entry())
    g.push(entry())
    g.push(entry())
    expect(g.unlabelledAt).toBe(0)
    g.clear()
    expect(g.unlabelledAt).toBeNull()
  })
})
