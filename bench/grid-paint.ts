// Grid first paint and scroll smoothness of the dataset browser on a 7,390-image demo copy, in
// Chromium against web mode served in-process. Part of `npm run bench:dataset`; needs a built
// renderer (npm run build). The demo copy and its index are cached under os.tmpdir().
import { existsSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext } from '@playwright/test'
import { createAppContext, type AppContext } from '../src/main/app-context'
import { DEMO_GENERATOR_VERSION, generateDemo } from '../src/main/dataset/demo/generate'
import { newToken } from '../src/main/web/auth'
import { startWebServer } from '../src/main/web/server'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/e2e/chromium'

const COUNT = Number(process.env['BENCH_COUNT'] ?? 7390)
const SEED = 1
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5)
/** Pixels scrolled per animation frame: about half a viewport, a brisk scroll through the grid. */
const SCROLL_STEP_PX = 360
const BASE = process.env['BENCH_DIR'] ?? join(tmpdir(), 'unet-ssl-workbench-bench')
const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits

interface PaintRun {
  /** Navigation start → first tile whose thumbnail has loaded has been painted. */
  firstTileMs: number
  /** Navigation start → every tile in the grid's viewport shows its loaded thumbnail. */
  viewportFullMs: number
  /** Navigation start → the image list's response fully received (where the rest of the time goes). */
  listMs: number
  /** Tiles in the DOM at first paint (the grid virtualizes rows). */
  domTiles: number
}

interface ScrollRun {
  /** Frame durations of the page at rest: the browser's own frame rate here, to read the others by. */
  idleFrames: number[]
  frames: number[]
  maxDomTiles: number
  reachedEnd: boolean
}

/** Same folder and check as bench/dataset.ts, so both benchmarks share one generated copy. */
async function demoCopy(): Promise<string> {
  const root = join(BASE, `demo-${COUNT}-seed${SEED}-v${DEMO_GENERATOR_VERSION}`)
  if (existsSync(join(root, 'annotations/list.txt'))) return root
  process.stderr.write(`generating a ${COUNT}-image demo copy in ${root} (once)…\n`)
  await generateDemo({ out: root, count: COUNT, seed: SEED })
  return root
}

/** Opens the copy in a data folder kept between runs, so every run after the first finds a warm index. */
async function warmIndex(root: string): Promise<{ ctx: AppContext; indexS: number; datasetId: number }> {
  const dataDir = join(BASE, `grid-data-${COUNT}-seed${SEED}-v${DEMO_GENERATOR_VERSION}`)
  const cold = !existsSync(join(dataDir, 'workbench.sqlite'))
  if (cold) process.stderr.write(`indexing ${root} into ${dataDir} (once, incl. thumbnails)…\n`)
  const ctx = createAppContext({ dataDir, mode: 'web' })
  const t = performance.now()
  const summary = await ctx.handlers['datasets:open']({ path: root })
  const indexS = round((performance.now() - t) / 1000, 2)
  if (summary.images !== COUNT) throw new Error(`indexed ${summary.images} images, expected ${COUNT}`)
  return { ctx, indexS, datasetId: summary.datasetId }
}

/** Runs in the page before the app: watches each frame for the first painted thumbnail. */
function paintProbe(): void {
  const w = window as unknown as { __gridPaint?: Record<string, number> }
  const loaded = (img: HTMLImageElement) => img.complete && img.naturalWidth > 0
  let first: number | null = null
  const tick = (): void => {
    const imgs = Array.from(document.querySelectorAll<HTMLImageElement>('[data-testid="tile"] img'))
    const scroller = document.querySelector('[aria-label="Image grid"]')
    const bottom = scroller?.getBoundingClientRect().bottom ?? 0
    const inView = imgs.filter((i) => i.getBoundingClientRect().top < bottom)
    // A frame's rAF callbacks run before its paint: the next frame's start is after that paint.
    if (first === null && imgs.some(loaded)) requestAnimationFrame((t) => (first = t))
    if (first !== null && inView.length > 0 && inView.every(loaded)) {
      requestAnimationFrame((t) => {
        const domTiles = document.querySelectorAll('[data-testid="tile"]').length
        const list = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/images:list'))
        const listMs = (list as PerformanceResourceTiming | undefined)?.responseEnd ?? NaN
        w.__gridPaint = { firstTileMs: first ?? t, viewportFullMs: t, listMs, domTiles }
      })
      return
    }
    requestAnimationFrame(tick)
  }
  requestAnimationFrame(tick)
}

/** A fresh context: no HTTP cache, no session storage; only the server side is warm. */
async function freshContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })
  // tsx (esbuild keepNames) wraps named functions in __name(); functions sent to the page need it too.
  await context.addInitScript('globalThis.__name = (fn) => fn')
  return context
}

async function measurePaint(browser: Browser, url: string): Promise<PaintRun> {
  const context = await freshContext(browser)
  try {
    const page = await context.newPage()
    page.on('pageerror', (err) => process.stderr.write(`page error: ${err.message}\n`))
    await page.addInitScript(paintProbe)
    await page.goto(url)
    const handle = await page.waitForFunction(() => (window as { __gridPaint?: unknown }).__gridPaint, null, {
      timeout: 60_000,
    })
    return (await handle.jsonValue()) as PaintRun
  } finally {
    await context.close()
  }
}

/** Scrolls the grid to its end, SCROLL_STEP_PX per frame, recording every frame's duration. */
async function measureScroll(browser: Browser, url: string, lastName: string): Promise<ScrollRun> {
  const context = await freshContext(browser)
  try {
    const page = await context.newPage()
    await page.goto(url)
    await page.locator('[data-testid="tile"] img').first().waitFor()
    const idleFrames = await page.evaluate(
      () =>
        new Promise<number[]>((resolve) => {
          const out: number[] = []
          let last = 0
          const frame = (now: number): void => {
            if (last) out.push(now - last)
            last = now
            if (out.length >= 60) resolve(out)
            else requestAnimationFrame(frame)
          }
          requestAnimationFrame(frame)
        }),
    )
    const run = await page.evaluate((step) => {
      const el = document.querySelector('[aria-label="Image grid"]')
      if (!el) throw new Error('no grid on the page')
      const frames: number[] = []
      let maxDomTiles = 0
      return new Promise<Pick<ScrollRun, 'frames' | 'maxDomTiles'>>((resolve) => {
        let last = 0
        const frame = (now: number): void => {
          if (last) frames.push(now - last)
          last = now
          maxDomTiles = Math.max(maxDomTiles, document.querySelectorAll('[data-testid="tile"]').length)
          const end = el.scrollHeight - el.clientHeight
          if (el.scrollTop >= end - 1) return resolve({ frames, maxDomTiles })
          el.scrollTop = Math.min(end, el.scrollTop + step)
          requestAnimationFrame(frame)
        }
        requestAnimationFrame(frame)
      })
    }, SCROLL_STEP_PX)
    // The grid really reached the end of the list: the last image's tile is rendered.
    const reachedEnd = (await page.locator(`[data-testid="tile"][data-image-name="${lastName}"]`).count()) === 1
    return { ...run, idleFrames, reachedEnd }
  } finally {
    await context.close()
  }
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
}

async function main(): Promise<void> {
  const staticDir = fileURLToPath(new URL('../out/renderer', import.meta.url))
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`no built renderer in ${staticDir}: run npm run build`)
  const root = await demoCopy()
  const { ctx, indexS, datasetId } = await warmIndex(root)
  const token = newToken()
  const server = await startWebServer({ handlers: ctx.handlers, events: ctx.events, media: ctx.media, staticDir, token })
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  try {
    const list = await ctx.handlers['images:list']({ datasetId })
    const paints: PaintRun[] = []
    for (let i = 0; i < RUNS; i++) paints.push(await measurePaint(browser, server.url))
    const scroll = await measureScroll(browser, server.url, list.at(-1)!.name)
    report(paints, scroll, indexS)
    if (!scroll.reachedEnd) throw new Error('the grid did not reach the last image')
  } finally {
    await browser.close()
    await server.close()
    ctx.close()
  }
}

function report(paints: PaintRun[], scroll: ScrollRun, indexS: number): void {
  const first = paints.map((p) => round(p.firstTileMs))
  const full = paints.map((p) => round(p.viewportFullMs))
  const f = scroll.frames
  const result = {
    bench: 'grid-paint',
    images: COUNT,
    cpus: cpus().length,
    loadavg1m: round(loadavg()[0] ?? 0, 2),
    openS: indexS,
    runs: paints.length,
    firstTileMedianMs: quantile(first, 0.5),
    firstTileMs: first,
    viewportFullMedianMs: quantile(full, 0.5),
    listReceivedMedianMs: quantile(paints.map((p) => round(p.listMs)), 0.5),
    domTiles: paints[0]?.domTiles ?? 0,
    scroll: {
      stepPx: SCROLL_STEP_PX,
      idleP50Ms: round(quantile(scroll.idleFrames, 0.5)),
      frames: f.length,
      p50Ms: round(quantile(f, 0.5)),
      p95Ms: round(quantile(f, 0.95)),
      maxMs: round(Math.max(...f)),
      over50Ms: f.filter((x) => x > 50).length,
      maxDomTiles: scroll.maxDomTiles,
      reachedEnd: scroll.reachedEnd,
    },
  }
  console.log(JSON.stringify(result))
  console.log(`dataset open before measuring (warm index unless first run): ${indexS} s`)
  console.log(`grid first paint (navigation → first thumbnail painted), median of ${paints.length}: ${result.firstTileMedianMs} ms [${first.join(', ')}]`)
  console.log(`image list (${COUNT} summaries) received, median: ${result.listReceivedMedianMs} ms after navigation`)
  console.log(`viewport full of thumbnails, median: ${result.viewportFullMedianMs} ms; tiles in the DOM: ${result.domTiles} of ${COUNT}`)
  console.log(
    `scroll to the end, ${SCROLL_STEP_PX} px/frame: ${f.length} frames, p50 ${result.scroll.p50Ms} ms, p95 ${result.scroll.p95Ms} ms, ` +
      `max ${result.scroll.maxMs} ms, ${result.scroll.over50Ms} over 50 ms (at rest: p50 ${result.scroll.idleP50Ms} ms); ` +
      `at most ${scroll.maxDomTiles} tiles in the DOM`,
  )
}

main().catch((err: unknown) => {
  console.error(`bench:grid-paint failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
})
