// The prediction overlay follows prediction jobs while an image is open: when the host says a run's
// predictions changed, the shown run's prediction is fetched again and drawn, without reopening.
import { afterEach, describe, expect, it } from 'vitest'
import type { Trimap } from '../../../src/shared/trimap'
import { EditorSession, openMask, type EditorSettings } from '../../../src/renderer/src/editor/editor-session'
import { HistoryManager } from '../../../src/renderer/src/editor/history/history'
import { choosePredictionRun, usePrediction, type PredictionSource } from '../../../src/renderer/src/editor/prediction'
import type { MaskView } from '../../../src/renderer/src/editor/view/konva-view'
import { filled, maskOf } from './helpers'

const PRED = ['1133', '1133', '3311']

/** A host whose run 7 has no prediction until `predicted` is set, and who can announce updates. */
function fakeHost() {
  const listeners = new Set<(runId: number) => void>()
  const host = {
    predicted: null as Trimap | null,
    loads: [] as number[],
    announce: (runId: number) => listeners.forEach((l) => l(runId)),
    listeners,
  }
  const source: PredictionSource = {
    runs: [{ id: 7, label: '#7' }, { id: 8, label: '#8' }],
    load: async (runId) => {
      host.loads.push(runId)
      return runId === 7 ? host.predicted : null
    },
    accept: async () => {},
    subscribe: (updated) => {
      listeners.add(updated)
      return () => listeners.delete(updated)
    },
  }
  return { host, source }
}

/** What the view was asked to draw, in order (null = the layer emptied). */
function fakeView() {
  const drawn: (Trimap | null)[] = []
  const view = { setPrediction: (t: Trimap | null) => drawn.push(t), setPredictionOverlay: () => {} }
  return { drawn, view: view as unknown as MaskView }
}

function session(): EditorSession {
  const settings: EditorSettings = { toolId: 'brush', classId: 1, brushSize: 3, bandWidth: 2 }
  const t = maskOf(filled(4, 3, 2))
  const opened = openMask(1, t, 4, 3, new HistoryManager())
  return new EditorSession(1, opened, 4, 3, settings, { painted: () => {}, changed: () => {}, pickRadius: () => 1 })
}

const settle = () => new Promise((r) => setTimeout(r, 0))

afterEach(() => choosePredictionRun(null))

describe('prediction overlay and prediction jobs', () => {
  it('appears when a job ends for the shown run, and follows later jobs of that run', async () => {
    const { host, source } = fakeHost()
    const { drawn, view } = fakeView()
    const s = session()
    const p = usePrediction({ session: () => s, view: () => view, source: () => source, accepted: () => {} })
    const stop = p.follow()
    choosePredictionRun(7)
    await p.load()
    expect(p.state.status).toBe('missing')
    expect(s.prediction).toBeNull()

    host.predicted = maskOf(PRED)
    host.announce(7)
    await settle()
    expect(p.state.status).toBe('shown')
    expect(s.prediction).toBe(host.predicted)
    expect(s.predictionRunId).toBe(7)
    expect(drawn.at(-1)).toBe(host.predicted)

    // A second job of the same run: the new prediction replaces the old one, with no empty frame between.
    const before = drawn.length
    host.predicted = maskOf(['3333', '1111', '3333'])
    host.announce(7)
    await settle()
    expect(drawn.slice(before)).toEqual([host.predicted])
    expect(s.prediction).toBe(host.predicted)
    stop()
  })

  it('ignores jobs of other runs, does nothing while no run is chosen, and stops when unsubscribed', async () => {
    const { host, source } = fakeHost()
    const { view } = fakeView()
    const s = session()
    const p = usePrediction({ session: () => s, view: () => view, source: () => source, accepted: () => {} })
    const stop = p.follow()
    host.predicted = maskOf(PRED)
    host.announce(7) // no run chosen: the overlay stays off
    await settle()
    expect(host.loads).toEqual([])
    expect(p.state.status).toBe('off')

    choosePredictionRun(7)
    await p.load()
    expect(host.loads).toEqual([7])
    host.announce(8)
    await settle()
    expect(host.loads).toEqual([7])

    stop()
    expect(host.listeners.size).toBe(0)
    host.announce(7)
    await settle()
    expect(host.loads).toEqual([7])
  })

  it('a refresh whose answer comes after the image was left is dropped', async () => {
    const { host, source } = fakeHost()
    const { drawn, view } = fakeView()
    let current: EditorSession | null = session()
    const first = current
    const p = usePrediction({ session: () => current, view: () => view, source: () => source, accepted: () => {} })
    choosePredictionRun(7)
    await p.load()
    host.predicted = maskOf(PRED)
    const pending = p.refresh(7)
    current = null
    await pending
    expect(first.prediction).toBeNull()
    expect(drawn.filter((t) => t !== null)).toEqual([])
  })
})
