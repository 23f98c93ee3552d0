// Page-side timing for the editor benchmark. Timed inside the page: Playwright's CDP round trip
// (several ms) would swamp the figures if timed around page.mouse / page.keyboard.
import type { Page } from '@playwright/test'

export interface SaveTimes {
  total: number[]
  beforeRequest: number[]
  request: number[]
  upload: number[]
  download: number[]
  afterResponse: number[]
}

export interface PageProbes {
  /** Per pointermove while drawing: editor work, and event → next frame (Konva has drawn by then). */
  takeStrokes(): Promise<{ latency: number[]; work: number[] }>
  /**
   * Walks n steps of history with real key presses (Playwright's keyboard, at random moments within a
   * frame, as a person's keys arrive): n undos, n redos, n undos. Handler work, and the key event's
   * timeStamp → the frame that shows it, measured like a stroke's pointermove.
   */
  undoAll(n: number): Promise<{ latency: number[]; work: number[] }>
  /**
   * n saves, each after a redo/undo made the image dirty: Ctrl+S until the editor says "Saved"; and
   * of that, before the request went out (snapshot, encoding), the HTTP request itself with its
   * parts, and after the response.
   */
  saves(n: number): Promise<SaveTimes>
  /** RGBA of the overlay layer (Konva's second canvas) at a stage point. */
  overlayPixel(x: number, y: number): Promise<number[]>
}

export async function installProbes(page: Page): Promise<PageProbes> {
  await page.evaluate(() => {
    const w = window as unknown as { __lat: number[]; __work: number[] }
    w.__lat = []
    w.__work = []
    let start = 0
    // Capture on window runs before the stage's own listener, bubble on window after it.
    window.addEventListener('pointermove', () => (start = performance.now()), { capture: true })
    window.addEventListener('pointermove', (ev) => {
      if (ev.buttons !== 1) return
      w.__work.push(performance.now() - start)
      const t0 = ev.timeStamp
      // Queued after Konva's batchDraw of this move, so it runs once the overlay is drawn.
      requestAnimationFrame(() => w.__lat.push(performance.now() - t0))
    })
  })
  return {
    takeStrokes: () =>
      page.evaluate(async () => {
        await new Promise((r) => requestAnimationFrame(r))
        const w = window as unknown as { __lat: number[]; __work: number[] }
        return { latency: w.__lat.splice(0), work: w.__work.splice(0) }
      }),
    undoAll: async (n) => {
      await page.evaluate(() => {
        const w = window as unknown as { __undo: { latency: number[]; work: number[] } }
        w.__undo = { latency: [], work: [] }
        let start = 0
        // Redo is timed too: the same history walk in the other direction.
        const isUndo = (ev: KeyboardEvent) => ev.key.toLowerCase() === 'z' && ev.ctrlKey
        window.addEventListener('keydown', (ev) => isUndo(ev) && (start = performance.now()), { capture: true })
        window.addEventListener('keydown', (ev) => {
          if (!isUndo(ev)) return
          w.__undo.work.push(performance.now() - start)
          const t0 = ev.timeStamp
          // Queued after the editor's handler (and Konva's batchDraw), so it runs once the undo is drawn.
          requestAnimationFrame(() => w.__undo.latency.push(performance.now() - t0))
        })
      })
      // n undos, n redos, n undos: 3n samples, ending with every stroke undone.
      for (const key of ['Control+z', 'Control+Shift+z', 'Control+z']) {
        for (let i = 0; i < n; i++) {
          await page.keyboard.press(key)
          await page.waitForTimeout(20 + Math.random() * 30)
        }
      }
      return page.evaluate(async () => {
        await new Promise((r) => requestAnimationFrame(r))
        return (window as unknown as { __undo: { latency: number[]; work: number[] } }).__undo
      })
    },
    saves: (n) =>
      page.evaluate(async (count) => {
        const state = document.querySelector('[data-testid="save-state"]')!
        const key = (k: string, shift = false) =>
          window.dispatchEvent(new KeyboardEvent('keydown', { key: k, ctrlKey: true, shiftKey: shift, cancelable: true }))
        const out = { total: [], beforeRequest: [], request: [], upload: [], download: [], afterResponse: [] } as {
          [K in 'total' | 'beforeRequest' | 'request' | 'upload' | 'download' | 'afterResponse']: number[]
        }
        performance.setResourceTimingBufferSize(10_000)
        for (let i = 0; i < count; i++) {
          key('z', i % 2 === 0) // redo, then undo: the mask differs from what is on disk each time
          const t0 = performance.now()
          const done = new Promise<void>((resolve) => {
            // The text changes to "Saving…" first (Vue renders after this task), so wait for a change.
            const mo = new MutationObserver(() => {
              if (state.textContent?.trim() !== 'Saved') return
              mo.disconnect()
              resolve()
            })
            mo.observe(state, { childList: true, characterData: true, subtree: true })
          })
          key('s')
          await done
          out.total.push(performance.now() - t0)
          const req = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
            .filter((e) => e.name.includes('/api/labels:save'))
            .at(-1)
          if (req && req.startTime >= t0) {
            out.beforeRequest.push(req.startTime - t0)
            out.request.push(req.duration)
            // fetch start → request sent (queueing, Chromium's network process); response start → end;
            // response end → "Saved" on screen (decode, Vue's update).
            out.upload.push(req.requestStart - req.startTime)
            out.download.push(req.responseEnd - req.responseStart)
            out.afterResponse.push(t0 + out.total.at(-1)! - req.responseEnd)
          }
        }
        return out
      }, n),
    overlayPixel: (x, y) =>
      page.evaluate(
        ([px, py]) => {
          const canvases = document.querySelectorAll<HTMLCanvasElement>('[data-testid="trimap-stage"] canvas')
          return Array.from(canvases[1]!.getContext('2d')!.getImageData(Math.floor(px!), Math.floor(py!), 1, 1).data)
        },
        [x, y],
      ),
  }
}
