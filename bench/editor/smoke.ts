// Browser smoke check of the editor harness in Chromium: what unit tests cannot see (Konva pixels,
// zoom exactness, the warning banner and Fix, a failed save, switching images, the help overlay).
// Run: npx tsx bench/editor/smoke.ts — prints each check and exits non-zero if one fails.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { chromium, type Page } from '@playwright/test'
import { createServer } from 'vite'

const here = dirname(fileURLToPath(import.meta.url))
let failures = 0

function check(name: string, ok: boolean, detail: unknown = ''): void {
  if (!ok) failures++
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok ? '' : ` — ${JSON.stringify(detail)}`}`)
}

// Reads a canvas pixel after the next frame, when Konva's batched draw has run.
async function pixel(page: Page, layer: number, x: number, y: number): Promise<number[]> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
  return page.evaluate(
    ([l, px, py]) => {
      const c = document.querySelectorAll<HTMLCanvasElement>('[data-testid="trimap-stage"] canvas')[l!]!
      return Array.from(c.getContext('2d')!.getImageData(px!, py!, 1, 1).data)
    },
    [layer, x, y],
  )
}

async function scenario(page: Page): Promise<void> {
  const stage = page.getByTestId('trimap-stage')
  const box = (await stage.boundingBox())!
  const at = async (ix: number, iy: number, scale = 1) => {
    // 1:1 and integer zooms are centred on whole pixels by fitTransform/actualSizeTransform.
    const ox = Math.round((box.width - 200 * scale) / 2)
    const oy = Math.round((box.height - 200 * scale) / 2)
    return { x: box.x + ox + ix * scale, y: box.y + oy + iy * scale, sx: ox + ix * scale, sy: oy + iy * scale }
  }
  await page.keyboard.press('0')
  await page.getByRole('radio', { name: 'Class 3: border' }).click()
  const p = await at(20.5, 20.5)
  await page.mouse.move(p.x, p.y)
  await page.mouse.down()
  await page.mouse.move(p.x + 30, p.y)
  await page.mouse.up()
  const painted = await pixel(page, 1, Math.floor(p.sx + 15), Math.floor(p.sy))
  check('brush paints border colour', painted[0] === 255 && painted[1] === 215, painted)
  await page.getByRole('button', { name: 'Undo' }).click()
  const undone = await pixel(page, 1, Math.floor(p.sx + 15), Math.floor(p.sy))
  check('undo button restores background colour', undone[2] === 255 && undone[0] === 30, undone)
  await page.keyboard.press('Control+Shift+Z')
  const redone = await pixel(page, 1, Math.floor(p.sx + 15), Math.floor(p.sy))
  check('Ctrl+Shift+Z redoes', redone[1] === 215, redone)

  await page.keyboard.press('p')
  await page.keyboard.press('1')
  for (const [ix, iy] of [[150, 10], [190, 10], [190, 40]]) {
    const q = await at(ix!, iy!)
    await page.mouse.click(q.x, q.y)
  }
  await page.keyboard.press('Enter')
  const inside = await at(182.5, 15.5)
  const outside = await at(152.5, 35.5)
  const inPx = await pixel(page, 1, Math.floor(inside.sx), Math.floor(inside.sy))
  const outPx = await pixel(page, 1, Math.floor(outside.sx), Math.floor(outside.sy))
  check('polygon closed with Enter fills with pet', inPx[0] === 255 && inPx[1] === 98 && outPx[0] === 30, [inPx, outPx])

  // Space-drag pans: the same screen point then shows another image pixel.
  const probe = await at(185, 12)
  await page.keyboard.down(' ')
  await page.mouse.move(probe.x, probe.y)
  await page.mouse.down()
  await page.mouse.move(probe.x + 60, probe.y + 60)
  await page.mouse.up()
  await page.keyboard.up(' ')
  const moved = await pixel(page, 1, Math.floor(probe.sx + 60), Math.floor(probe.sy + 60))
  check('space-drag pans the view without painting', moved[0] === 255 && moved[1] === 98, moved)
  await page.keyboard.press('0')

  await page.evaluate(() => ((window as unknown as { __harness: { failSave: boolean } }).__harness.failSave = true))
  await page.keyboard.press('Control+s')
  const failed = page.getByTestId('save-state')
  await failed.getByText('Save failed').waitFor({ timeout: 5000 })
  check('failed save says so and keeps the edit', (await failed.textContent())!.includes('your edit is kept'))
  await page.evaluate(() => ((window as unknown as { __harness: { failSave: boolean } }).__harness.failSave = false))
  await page.getByRole('button', { name: 'Retry save' }).click()
  await failed.getByText('Saved').waitFor({ timeout: 5000 })
  check('retry saves', true)

  await page.keyboard.press('?')
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  check('help overlay lists undo with its key', (await help.textContent())!.includes('Ctrl+Z'))
  await page.keyboard.press('Escape')
  check('Escape closes help', (await help.count()) === 0)

  // Pixel-exact at a fractional zoom: the overlay layer may hold only the class colours (and
  // transparency), never a blend of two neighbours as a smoothed scale-up would produce.
  for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Zoom in' }).click()
  await pixel(page, 1, 0, 0)
  const colours = await page.evaluate(() => {
    const c = document.querySelectorAll<HTMLCanvasElement>('[data-testid="trimap-stage"] canvas')[1]!
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
    const seen = new Set<string>()
    for (let i = 0; i < d.length; i += 4) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]},${d[i + 3]}`)
    return [...seen]
  })
  check('overlay at zoom 1.25^6 shows only class colours (no smoothing)', colours.length <= 4, colours.slice(0, 8))
  const wrongSize = { width: 100, height: 50, data: new Uint8Array(5000).fill(0) }
  await page.evaluate((t) => {
    const h = (window as unknown as { __harness: { open(id: number, t: unknown): void } }).__harness
    h.open(2, { width: t.width, height: t.height, data: new Uint8Array(t.data) })
  }, { ...wrongSize, data: Array.from(wrongSize.data) })
  const banner = page.getByRole('alert')
  await banner.waitFor({ timeout: 5000 })
  const text = (await banner.textContent()) ?? ''
  check('wrong-size trimap warns with both sizes', text.includes('100×50') && text.includes('200×200'), text)
  check('bad values are counted', text.includes('5000 pixels'), text)
  check('tools are disabled until fixed', await page.getByRole('button', { name: 'Brush', exact: true }).isDisabled())
  await banner.getByRole('button', { name: 'Fix' }).click()
  check('Fix removes the banner', (await page.getByRole('alert').count()) === 0)
  await page.waitForFunction(() => (window as unknown as { __harness: { saves: { imageId: number }[] } }).__harness.saves.some((s) => s.imageId === 2), undefined, { timeout: 5000 })
  check('fixed trimap is autosaved for image 2', true)
  const saves = await page.evaluate(() => (window as unknown as { __harness: { saves: { imageId: number; counts: number[] }[] } }).__harness.saves)
  const last = saves.filter((s) => s.imageId === 2).at(-1)!
  check('fixed trimap holds only background', last.counts[2] === 40000, last.counts)

  await page.evaluate(() => (window as unknown as { __harness: { open(id: number, t: null): void } }).__harness.open(1, null))
  await page.waitForTimeout(100)
  check('back on image 1 with a different trimap (null): history restarts', await page.getByRole('button', { name: 'Undo' }).isDisabled())
}

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
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  })
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 })
    page.on('pageerror', (e) => check('no page error', false, e.message))
    await page.goto(`http://127.0.0.1:${port}/index.html?size=200`)
    await page.getByTestId('trimap-stage').locator('canvas').first().waitFor()
    await scenario(page)
  } finally {
    await browser.close()
    await server.close()
  }
  process.exit(failures > 0 ? 1 : 0)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
