// Autosave: debounced after edits, immediate on flush, a failure keeps the edit and says why.
import { describe, expect, it, vi } from 'vitest'
import { Autosave, type SaveState } from '../../../src/renderer/src/editor/autosave'

function setup(save: () => Promise<void>) {
  const states: SaveState[] = []
  const a = new Autosave({ delayMs: 800, save, onState: (s) => states.push(s) })
  return { a, states }
}

describe('Autosave', () => {
  it('saves once after a burst of edits, after the delay', async () => {
    vi.useFakeTimers()
    try {
      const save = vi.fn(async () => {})
      const { a, states } = setup(save)
      a.markDirty()
      await vi.advanceTimersByTimeAsync(500)
      a.markDirty()
      await vi.advanceTimersByTimeAsync(500)
      expect(save).not.toHaveBeenCalled()
      await vi.advanceTimersByTimeAsync(400)
      expect(save).toHaveBeenCalledTimes(1)
      expect(states.at(-1)).toEqual({ kind: 'saved' })
      expect(a.hasUnsaved).toBe(false)
    } finally {
      vi.useRealTimers()
    }
  })

  it('a failed save reports the reason and keeps the edit unsaved; the next flush retries', async () => {
    let fail = true
    const { a, states } = setup(async () => {
      if (fail) throw new Error('EACCES: read-only folder')
    })
    a.markDirty()
    expect(await a.flush()).toBe(false)
    expect(states.at(-1)).toEqual({ kind: 'failed', reason: 'EACCES: read-only folder' })
    expect(a.hasUnsaved).toBe(true)
    fail = false
    expect(await a.flush()).toBe(true)
    expect(a.state).toEqual({ kind: 'saved' })
    a.dispose()
  })

  it('an edit made while saving stays dirty and is saved next', async () => {
    let release: () => void = () => {}
    const save = vi.fn(() => new Promise<void>((r) => (release = r)))
    const { a } = setup(save)
    a.markDirty()
    const first = a.flush()
    await Promise.resolve()
    await Promise.resolve()
    a.markDirty()
    release()
    expect(await first).toBe(false)
    const second = a.flush()
    await Promise.resolve()
    await Promise.resolve()
    release()
    expect(await second).toBe(true)
    expect(save).toHaveBeenCalledTimes(2)
    a.dispose()
  })

  it('flush with nothing to save does not call save', async () => {
    const save = vi.fn(async () => {})
    const { a } = setup(save)
    expect(await a.flush()).toBe(true)
    expect(save).not.toHaveBeenCalled()
  })
})
