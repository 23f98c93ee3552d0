// History: one action = one rect diff; undo/redo restore bytes exactly; the byte cap drops the
// oldest entries; each image keeps its own stack.
import { describe, expect, it } from 'vitest'
import { MaskDocument } from '../../../src/renderer/src/editor/history/document'
import { HistoryManager, entryBytes } from '../../../src/renderer/src/editor/history/history'
import { strokeSegment } from '../../../src/renderer/src/editor/mask/brush'
import { floodFill } from '../../../src/renderer/src/editor/mask/fill'
import { createMask } from '../../../src/renderer/src/editor/mask/mask'

function doc(width = 100, height = 80, manager = new HistoryManager()) {
  return new MaskDocument(createMask(width, height, 2), manager.get(1))
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

function paint(d: MaskDocument, x0: number, y0: number, x1: number, y1: number, size: number, v = 1) {
  d.touch(strokeSegment(d.mask, { x: x0, y: y0 }, { x: x1, y: y1 }, size, v))
}

describe('MaskDocument', () => {
  it('stores one stroke as one diff of its changed rectangle, not a snapshot', () => {
    const d = doc()
    paint(d, 10, 10, 20, 10, 4)
    paint(d, 20, 10, 30, 15, 4)
    const e = d.commit('Brush')!
    expect(d.history.undoCount).toBe(1)
    expect(e.rect).toEqual({ x: 8, y: 8, w: 24, h: 9 })
    expect(e.before.length).toBe(e.rect.w * e.rect.h)
    expect(e.before.every((v) => v === 2)).toBe(true)
    expect(e.after.length).toBeLessThan(100 * 80)
  })

  it('adds no step when an action changed nothing', () => {
    const d = doc()
    paint(d, 10, 10, 10, 10, 5, 2)
    expect(d.commit('Brush')).toBeNull()
    expect(d.history.undoCount).toBe(0)
  })

  it('undo and redo restore the exact bytes through many mixed actions', () => {
    const d = doc()
    const states = [d.mask.data.slice()]
    for (let i = 0; i < 12; i++) {
      if (i % 4 === 3) d.touch(floodFill(d.mask, 0, 0, (i % 3) + 1))
      else paint(d, (i * 37) % 100, (i * 53) % 80, (i * 71) % 100, (i * 29) % 80, 3 + i, (i % 3) + 1)
      if (d.commit(`a${i}`)) states.push(d.mask.data.slice())
    }
    const steps = states.length - 1
    for (let i = steps; i > 0; i--) {
      d.undo()
      expect(sameBytes(d.mask.data, states[i - 1]!)).toBe(true)
    }
    expect(d.undo()).toBeNull()
    for (let i = 1; i <= steps; i++) {
      d.redo()
      expect(sameBytes(d.mask.data, states[i]!)).toBe(true)
    }
    expect(d.redo()).toBeNull()
  })

  it('a new action after undo discards the redo branch', () => {
    const d = doc()
    paint(d, 5, 5, 5, 5, 3)
    d.commit('a')
    d.undo()
    paint(d, 50, 50, 50, 50, 3)
    d.commit('b')
    expect(d.history.canRedo).toBe(false)
    expect(d.mask.data[5 * 100 + 5]).toBe(2)
  })

  it('undo in the middle of a stroke commits it first, then reverts it whole', () => {
    const d = doc()
    paint(d, 5, 5, 30, 5, 3)
    expect(d.hasPending).toBe(true)
    d.undo()
    expect(d.mask.data.every((v) => v === 2)).toBe(true)
    expect(d.history.redoCount).toBe(1)
  })

  it('cancel reverts an unfinished action without a history step', () => {
    const d = doc()
    paint(d, 5, 5, 30, 5, 3)
    const r = d.cancel()
    expect(r.w).toBeGreaterThan(0)
    expect(d.mask.data.every((v) => v === 2)).toBe(true)
    expect(d.history.undoCount).toBe(0)
  })
})

describe('HistoryManager', () => {
  it('caps memory by bytes, dropping the oldest entries first', () => {
    const manager = new HistoryManager(1500)
    const d = doc(100, 100, manager)
    for (let i = 0; i < 10; i++) {
      paint(d, 5 + i * 9, 50, 5 + i * 9, 50, 8)
      d.commit(`dot ${i}`)
    }
    expect(manager.totalBytes).toBeLessThanOrEqual(1500)
    const kept = d.history.undoCount
    expect(kept).toBeGreaterThan(0)
    expect(kept).toBeLessThan(10)
    // The newest dots can still be undone; the oldest ones were dropped and stay painted.
    for (let i = 0; i < kept; i++) d.undo()
    expect(d.undo()).toBeNull()
    expect(d.mask.data[50 * 100 + 5 + 9 * 9]).toBe(2)
    expect(d.mask.data[50 * 100 + 5]).toBe(1)
  })

  it('keeps the newest entry even when it alone exceeds the cap', () => {
    const manager = new HistoryManager(1000)
    const d = doc(100, 100, manager)
    d.touch(floodFill(d.mask, 0, 0, 1))
    const e = d.commit('Fill')!
    expect(entryBytes(e)).toBeGreaterThan(1000)
    expect(d.history.undoCount).toBe(1)
    d.undo()
    expect(d.mask.data.every((v) => v === 2)).toBe(true)
  })

  it('keeps a separate history per image and evicts the globally oldest under one cap', () => {
    const manager = new HistoryManager(1_000_000)
    const a = new MaskDocument(createMask(50, 50, 2), manager.get(1))
    const b = new MaskDocument(createMask(50, 50, 2), manager.get(2))
    paint(a, 10, 10, 10, 10, 5)
    a.commit('a1')
    paint(b, 20, 20, 20, 20, 5)
    b.commit('b1')
    paint(a, 30, 30, 30, 30, 5)
    a.commit('a2')
    expect(manager.get(1).undoCount).toBe(2)
    expect(manager.get(2).undoCount).toBe(1)
    // Coming back to image 1 later in the session: its stack is still there.
    const again = new MaskDocument(a.mask, manager.get(1))
    again.undo()
    expect(again.mask.data[30 * 50 + 30]).toBe(2)
    expect(again.mask.data[10 * 50 + 10]).toBe(1)

    // Each 5-pixel dot costs 2·25 bytes plus overhead (210): three exceed 500, two do not.
    const small = new HistoryManager(500)
    const c = new MaskDocument(createMask(50, 50, 2), small.get(1))
    const e = new MaskDocument(createMask(50, 50, 2), small.get(2))
    paint(c, 10, 10, 10, 10, 5)
    c.commit('c1')
    paint(e, 10, 10, 10, 10, 5)
    e.commit('e1')
    paint(c, 30, 30, 30, 30, 5)
    c.commit('c2')
    // c1 was the oldest anywhere, so it went first.
    expect(small.get(1).undoCount).toBe(1)
    expect(small.get(1).nextUndoLabel).toBe('c2')
    expect(small.get(2).undoCount).toBe(1)
  })
})
