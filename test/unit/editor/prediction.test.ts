// Predictions in the editor without a DOM: copying the prediction under a brush stroke (the same
// footprint as the brush), accepting it whole as one undoable step, and the prediction overlay's look.
import { describe, expect, it } from 'vitest'
import { EditorSession, openMask, type EditorSettings } from '../../../src/renderer/src/editor/editor-session'
import { HistoryManager } from '../../../src/renderer/src/editor/history/history'
import { strokeSegment } from '../../../src/renderer/src/editor/mask/brush'
import { copyAll, copySegment } from '../../../src/renderer/src/editor/mask/copy'
import { createMask } from '../../../src/renderer/src/editor/mask/mask'
import { buildClassLut, predictionToRgba } from '../../../src/renderer/src/editor/view/overlay-pixels'
import { filled, maskOf, rowsOf } from './helpers'

// A prediction with a different class in every column pattern, so a copy shows where it came from.
const PRED = ['1313131', '3131313', '1313131', '3131313', '1313131']

describe('copySegment', () => {
  it('copies the prediction exactly under the brush footprint and nowhere else', () => {
    const mask = maskOf(filled(7, 5, 2))
    const rect = copySegment(mask, maskOf(PRED), { x: 1.5, y: 2.5 }, { x: 5.5, y: 2.5 }, 3)
    // The footprint strokeSegment paints with the same arguments.
    const ref = maskOf(filled(7, 5, 2))
    const refRect = strokeSegment(ref, { x: 1.5, y: 2.5 }, { x: 5.5, y: 2.5 }, 3, 9)
    expect(rect).toEqual(refRect)
    for (let i = 0; i < mask.data.length; i++) {
      expect(mask.data[i]).toBe(ref.data[i] === 9 ? maskOf(PRED).data[i] : 2)
    }
    expect(rowsOf(mask)).toEqual(['2222222', '3131313', '1313131', '3131313', '2222222'])
  })

  it('clips at the edges and refuses a prediction of another size', () => {
    const mask = maskOf(filled(7, 5, 2))
    const rect = copySegment(mask, maskOf(PRED), { x: 0, y: 0 }, { x: 0, y: 0 }, 2)
    expect(rect).toEqual({ x: 0, y: 0, w: 1, h: 1 })
    expect(rowsOf(mask)[0]).toBe('1222222')
    expect(() => copySegment(mask, createMask(6, 5), { x: 1, y: 1 }, { x: 1, y: 1 }, 2)).toThrow(/6×5/)
  })

  it('copyAll replaces everything, and reports nothing when the mask already equals the source', () => {
    const mask = maskOf(filled(7, 5, 2))
    expect(copyAll(mask, maskOf(PRED))).toEqual({ x: 0, y: 0, w: 7, h: 5 })
    expect(rowsOf(mask)).toEqual(PRED)
    expect(copyAll(mask, maskOf(PRED)).w).toBe(0)
  })
})

function open(rows: string[]) {
  const settings: EditorSettings = { toolId: 'brush', classId: 1, brushSize: 3, bandWidth: 2 }
  let changes = 0
  const t = maskOf(rows)
  const opened = openMask(1, t, t.width, t.height, new HistoryManager())
  const session = new EditorSession(1, opened, t.width, t.height, settings, {
    painted: () => {},
    changed: () => changes++,
    pickRadius: () => 0.75,
  })
  return { session, changes: () => changes }
}

describe('accepting a prediction', () => {
  it('replaces the mask as one history entry that undo and redo take back and forth', () => {
    const before = filled(7, 5, 2)
    const { session, changes } = open(before)
    session.pointerDown({ x: 3.5, y: 2.5 })
    session.pointerUp({ x: 3.5, y: 2.5 })
    const painted = rowsOf(session.doc.mask)
    session.setPrediction(7, maskOf(PRED))
    expect(session.matchesPrediction).toBe(false)
    expect(session.acceptPrediction()).toBe(true)
    expect(rowsOf(session.doc.mask)).toEqual(PRED)
    expect(session.matchesPrediction).toBe(true)
    expect(session.doc.history.undoCount).toBe(2)
    expect(session.doc.history.nextUndoLabel).toBe('Accept prediction')
    expect(changes()).toBe(2)
    session.undo()
    expect(rowsOf(session.doc.mask)).toEqual(painted)
    expect(session.matchesPrediction).toBe(false)
    session.redo()
    expect(rowsOf(session.doc.mask)).toEqual(PRED)
  })

  it('does nothing without a prediction, and refuses one of another size', () => {
    const { session } = open(filled(7, 5, 2))
    expect(session.acceptPrediction()).toBe(false)
    expect(session.doc.history.undoCount).toBe(0)
    expect(() => session.setPrediction(7, createMask(5, 7))).toThrow(/5×7/)
    expect(session.prediction).toBeNull()
  })

  it('paint from prediction: one history entry per stroke; no prediction paints nothing', () => {
    const { session } = open(filled(7, 5, 2))
    session.selectTool('predictionBrush')
    session.pointerDown({ x: 1.5, y: 2.5 })
    session.pointerUp({ x: 1.5, y: 2.5 })
    expect(session.doc.history.undoCount).toBe(0)
    session.setPrediction(3, maskOf(PRED))
    session.pointerDown({ x: 1.5, y: 2.5 })
    session.pointerMove({ x: 3.5, y: 2.5 })
    session.pointerUp({ x: 5.5, y: 2.5 })
    expect(rowsOf(session.doc.mask)).toEqual(['2222222', '3131313', '1313131', '3131313', '2222222'])
    expect(session.doc.history.undoCount).toBe(1)
    session.undo()
    expect(rowsOf(session.doc.mask)).toEqual(filled(7, 5, 2))
  })
})

describe('predictionToRgba', () => {
  it('draws class boundaries in full colour and the inside faint', () => {
    const lut = buildClassLut()
    const m = maskOf(['1111', '1111', '1122', '1122'])
    const out = new Uint32Array(16)
    predictionToRgba(m, lut, out)
    const alpha = (i: number) => new Uint8Array(out.buffer)[i * 4 + 3]
    expect(alpha(0)).toBe(64) // inside the pet region
    expect(alpha(9)).toBe(255) // next to background
    expect(alpha(10)).toBe(255)
    expect(alpha(15)).toBe(64)
    expect(out[0]! & 0xffffff).toBe(lut[1]! & 0xffffff)
  })
})
