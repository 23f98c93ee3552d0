// Editor benchmark (`npm run bench:editor`): the real app in web mode on a one-image dataset of
// 1000×1000, driven in Chromium: brush stroke to pixels, undo, and save through 'labels:save' to disk.
// Needs a built renderer (npm run build) and /usr/bin/chromium (or CHROMIUM_PATH).
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { cpus, loadavg, tmpdir } from 'node:os'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from '@playwright/test'
import sharp from 'sharp'
import { createAppContext } from '../../src/main/app-context'
import { newToken } from '../../src/main/web/auth'
import { startWebServer } from '../../src/main/web/server'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../test/e2e/chromium'
import { installProbes, type PageProbes } from './probes'
import { writeBenchDataset, BENCH_IMAGE, BENCH_SIZE } from './dataset'

const STROKES = Number(process.env['BENCH_STROKES'] ?? 20)
const SAVES = Number(process.env['BENCH_SAVES'] ?? 20)

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
  const staticDir = fileURLToPath(new URL('../../out/renderer', import.meta.url))
  if (!existsSync(join(staticDir, 'index.html'))) throw new Error(`no built renderer in ${staticDir}: run npm run build`)
  const work = await mkdtemp(join(tmpdir(), 'wb-bench-editor-'))
  const root = await writeBenchDataset(join(work, 'pets'))
  const ctx = createAppContext({ dataDir: join(work, 'data'), mode: 'web' })
  // The service's own share of a save (validate, PNG encode, temp + fsync + rename, SQLite).
  const serviceMs: number[] = []
  const handlers = { ...ctx.handlers }
  handlers['labels:save'] = async (arg) => {
    const t = performance.now()
    const out = await ctx.handlers['labels:save'](arg)
    serviceMs.push(performance.now() - t)
    return out
  }
  const server = await startWebServer({ handlers, events: ctx.events, media: ctx.media, staticDir, token: newToken() })
  const requests = watchRequests(server.server)
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  try {
    await ctx.handlers['datasets:open']({ path: root })
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })
    // tsx (esbuild keepNames) wraps named functions in __name(); functions sent to the page need it too.
    await context.addInitScript('globalThis.__name = (fn) => fn')
    const page = await context.newPage()
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`))
    await openEditor(page, server.url)
    const probes = await installProbes(page)
    const result = await measure(page, probes, root, serviceMs, requests)
    report(result)
  } finally {
    await browser.close()
    await server.close()
    ctx.close()
    await rm(work, { recursive: true, force: true })
  }
}

async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.locator(`[data-testid="tile"][data-image-name="${BENCH_IMAGE}"]`).click({ timeout: 60_000 })
  await page.getByRole('dialog').getByRole('button', { name: 'Edit trimap' }).click()
  const stage = page.getByTestId('trimap-stage')
  await stage.locator('canvas').nth(2).waitFor()
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="trimap-stage"]')
    return el?.querySelector('canvas')?.width === el?.clientWidth
  })
  await page.keyboard.press('0') // 1:1, centred
  await page.getByRole('radio', { name: 'Class 1: pet' }).click()
}

interface ServedRequest {
  path: string
  /** arrival → body read, arrival → response finished */
  bodyMs: number
  totalMs: number
}

/** Every request the server answers, with its own timing (the page cannot see inside the server). */
function watchRequests(server: Server): ServedRequest[] {
  const seen: ServedRequest[] = []
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const t = performance.now()
    let bodyAt = t
    req.on('end', () => (bodyAt = performance.now()))
    res.on('finish', () => seen.push({ path: (req.url ?? '').split('?')[0]!, bodyMs: bodyAt - t, totalMs: performance.now() - t }))
  })
  return seen
}

async function measure(
  page: Page,
  probes: PageProbes,
  root: string,
  serviceMs: number[],
  requests: ServedRequest[],
): Promise<Record<string, unknown>> {
  const box = (await page.getByTestId('trimap-stage').boundingBox())!
  const cx = box.x + box.width / 2
  const cy = box.y + box.height / 2
  // Strokes across the middle of the image, each a capsule chain of 60 moves: one undo step each.
  for (let s = 0; s < STROKES; s++) {
    const y = cy - 200 + s * 20
    await page.mouse.move(cx - 300, y)
    await page.mouse.down()
    for (let i = 1; i <= 60; i++) await page.mouse.move(cx - 300 + i * 10, y + Math.sin(i / 6) * 15)
    await page.mouse.up()
  }
  const stroke = await probes.takeStrokes()
  const painted = await probes.overlayPixel(cx - 300 - box.x, cy - 200 - box.y)
  const undo = await probes.undoAll(STROKES)
  const afterUndo = await probes.overlayPixel(cx - 300 - box.x, cy - 200 - box.y)
  serviceMs.length = 0
  requests.length = 0
  const save = await probes.saves(SAVES)
  const served = requests.filter((r) => r.path.endsWith('/labels:save'))
  // What else the page asked for while saving (the browser behind the editor refreshes on 'labels:changed').
  const alsoServed: Record<string, number> = {}
  for (const r of requests) if (!served.includes(r)) alsoServed[r.path] = (alsoServed[r.path] ?? 0) + 1
  const onDisk = await trimapValues(join(root, 'annotations/trimaps', `${BENCH_IMAGE}.png`))
  return {
    image: `${BENCH_SIZE}×${BENCH_SIZE}`,
    strokeToPixelsMs: stats(stroke.latency),
    strokeHandlerMs: stats(stroke.work),
    undoToPixelsMs: stats(undo.latency),
    undoHandlerMs: stats(undo.work),
    saveMs: stats(save.total),
    saveBeforeRequestMs: stats(save.beforeRequest),
    saveRequestMs: stats(save.request),
    saveUntilSentMs: stats(save.upload),
    saveServerMs: stats(served.map((r) => r.totalMs)),
    saveServerBodyMs: stats(served.map((r) => r.bodyMs)),
    saveDownloadMs: stats(save.download),
    saveAfterResponseMs: stats(save.afterResponse),
    alsoServedDuringSaves: alsoServed,
    saveServiceMs: stats(serviceMs),
    paintedPixelRGBA: painted,
    afterUndoPixelRGBA: afterUndo,
    savedPngValues: onDisk,
    load: loadavg().map((l) => round(l)),
    cpus: cpus().length,
  }
}

/** Which values the saved PNG holds (a check that the save really wrote a trimap). */
async function trimapValues(file: string): Promise<number[]> {
  const data = await sharp(await readFile(file)).extractChannel(0).raw().toBuffer()
  return [...new Set(data)].sort()
}

function report(r: Record<string, unknown>): void {
  console.log(JSON.stringify(r))
  const s = (k: string): Stats => r[k] as Stats
  const line = (name: string, k: string, target: string): string =>
    `${name.padEnd(30)} p50 ${s(k).p50} ms, p95 ${s(k).p95} ms (n=${s(k).n}) ${target}`
  const rows: [string, string, string][] = [
    ['brush stroke → pixels', 'strokeToPixelsMs', '[target p95 ≤ 16]'],
    ['  of which editor work', 'strokeHandlerMs', ''],
    ['undo/redo → pixels', 'undoToPixelsMs', '[target ≤ 16]'],
    ['  of which editor work', 'undoHandlerMs', ''],
    ['save (Ctrl+S → "Saved")', 'saveMs', '[target ≤ 50]'],
    ['  of which before the request', 'saveBeforeRequestMs', ''],
    ['  of which the HTTP request', 'saveRequestMs', ''],
    ['    fetch → request sent', 'saveUntilSentMs', ''],
    ['    in the server', 'saveServerMs', ''],
    ['      reading the body', 'saveServerBodyMs', ''],
    ['      labels:save service', 'saveServiceMs', ''],
    ['    response start → end', 'saveDownloadMs', ''],
    ['  of which after the response', 'saveAfterResponseMs', ''],
  ]
  for (const [name, k, target] of rows) console.log(line(name, k, target))
  console.log(`other requests during the saves: ${JSON.stringify(r['alsoServedDuringSaves'])}`)
  console.log(`load average ${(r['load'] as number[]).join(' ')} on ${String(r['cpus'])} CPUs`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
