// Editor benchmark and smoke check in Chromium: brush-stroke-to-pixels latency, undo and save time on
// a 1000×1000 image, with the canvas pixels checked after painting and undoing.
// Run: npx tsx bench/editor/run.ts   (needs /usr/bin/chromium or CHROMIUM_PATH)
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { chromium, type Page } from '@playwright/test'
import { createServer } from 'vite'

const here = dirname(fileURLToPath(import.meta.url))

interface Stats {
  n: number
  p50: number
  p95: number
  max: number
}

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b)
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN
  return { n: s.length, p50: round(at(0.5)), p95: round(at(0.95)), max: round(s.at(-1) ?? NaN) }
}
const round = (x: number): number => Math.round(x * 100) / 100

async function main(): Promise<void> {
  const server = await createServer({
    configFile: false,
    root: join(here, 'harness'),
    plugins: [vue()],
    logLevel: 'error',
    server: { port: 0, host: '127.0.0.1' },
  })
  await server.listen()
  const address = server.httpServer?.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const browser = await chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--no-first-run'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })
    page.on('pageerror', (e) => console.error('page error:', e.message))
    await page.goto(`http://127.0.0.1:${port}/index.html?size=1000`)
    await page.getByTestId('trimap-stage').locator('canvas').first().waitFor()
    const result = await runScenario(page)
    console.log(JSON.stringify(result, null, 2))
  } finally {
    await browser.close()
    await server.close()
  }
}

async function runScenario(page: Page): Promise<Record<string, unknown>> {
  const stage = page.getByTestId('trimap-stage')
  const box = (await stage.boundingBox())!
  await page.keyboard.press('0') // 1:1, centred: image pixel = screen offset from the image origin
  await installLatencyProbe(page)
  const cx = box.x + box.width / 2
  const cy = box.y + box.height / 2
  await page.keyboard.press('1')
  await page.mouse.move(cx - 200, cy - 150)
  await page.mouse.down()
  for (let i = 1; i <= 120; i++) await page.mouse.move(cx - 200 + i * 3, cy - 150 + Math.sin(i / 8) * 40)
  await page.mouse.up()
  await page.waitForTimeout(50)
  const { latencies, work } = await page.evaluate(() => {
    const w = window as unknown as { __lat: number[]; __work: number[] }
    return { latencies: w.__lat.splice(0), work: w.__work.splice(0) }
  })
  const painted = await overlayPixel(page, cx - 200 - box.x, cy - 150 - box.y)
  const undoMs = await timed(page, () => page.keyboard.press('Control+z'))
  const afterUndo = await overlayPixel(page, cx - 200 - box.x, cy - 150 - box.y)
  const saveMs = await page.evaluate(async () => {
    const h = (window as unknown as { __harness: { saves: unknown[] } }).__harness
    const before = h.saves.length
    const t0 = performance.now()
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 's', ctrlKey: true }))
    while (h.saves.length === before) await new Promise((r) => setTimeout(r, 1))
    return performance.now() - t0
  })
  return {
    strokeToCanvasMs: stats(latencies),
    handlerWorkMs: stats(work),
    undoMs: round(undoMs),
    saveToCallbackMs: round(saveMs),
    paintedPixelRGBA: painted,
    afterUndoPixelRGBA: afterUndo,
    saveState: await page.getByTestId('save-state').textContent(),
  }
}

// Two figures per pointermove while drawing: the editor's own work (mask stroke + dirty-rect
// putImageData, between a capture listener and a bubble listener on window), and the time from the
// event's timestamp until Konva has drawn the overlay layer (a rAF queued after Konva's own).
async function installLatencyProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __lat: number[]; __work: number[] }
    w.__lat = []
    w.__work = []
    let start = 0
    const opts = { capture: true }
    window.addEventListener('pointermove', () => (start = performance.now()), opts)
    window.addEventListener('pointermove', (ev) => {
      if (ev.buttons !== 1) return
      w.__work.push(performance.now() - start)
      const t0 = ev.timeStamp
      requestAnimationFrame(() => w.__lat.push(performance.now() - t0))
    })
  })
}

async function timed(page: Page, act: () => Promise<void>): Promise<number> {
  await page.evaluate(() => ((window as unknown as { __t0: number }).__t0 = performance.now()))
  await act()
  return page.evaluate(
    () =>
      new Promise<number>((r) =>
        requestAnimationFrame(() => setTimeout(() => r(performance.now() - (window as unknown as { __t0: number }).__t0), 0)),
      ),
  )
}

// RGBA of the overlay layer's canvas (the second Konva canvas) at a stage point.
async function overlayPixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ([px, py]) => {
      const canvases = document.querySelectorAll<HTMLCanvasElement>('[data-testid="trimap-stage"] canvas')
      const ctx = canvases[1]!.getContext('2d')!
      return Array.from(ctx.getImageData(Math.floor(px!), Math.floor(py!), 1, 1).data)
    },
    [x, y],
  )
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
