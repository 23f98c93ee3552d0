// The trimap editor as a person uses it in web mode: paint, undo, redo and fill with the canvas pixels
// and the saved PNG on disk checked at each step, the edit still there after a reload, revert to the
// release's original, a broken trimap fixed, the shortcut help, a stroke saved as the page reloads, and
// clearing a label (directly, or by undoing an unlabelled image's first edit). Independent of
// browser.spec.ts: each test puts its image back to the release's trimap first.
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { expect, test, type APIRequestContext, type Page } from '@playwright/test'
import sharp from 'sharp'
import { TRIMAP_COLOURS, type TrimapClass } from '../../src/shared/trimap'
import { callApi, demoDir, ok, openApp } from './helpers'

const NAME = 'Bengal_3' // not one whose pixels browser.spec.ts counts (Abyssinian_1, beagle_6)
const BAD = 'Birman_2'
const BRUSH = 12 // the editor's default diameter
const trimapFile = (name: string) => join(demoDir, 'annotations/trimaps', `${name}.png`)
const originalFile = (name: string) => join(demoDir, 'annotations/.workbench-original-trimaps', `${name}.png`)

interface Raw {
  width: number
  height: number
  data: Uint8Array
}

async function readTrimap(file: string): Promise<Raw> {
  const { data, info } = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, data: new Uint8Array(data) }
}

/** The image's id; an earlier run's edit (or clear) is reverted so the test starts from the release's trimap. */
async function pristine(request: APIRequestContext, name: string): Promise<number> {
  let current = await callApi(request, 'datasets:current')
  if (current.ok && current.result === null) {
    // This file run on its own: the demo is generated here rather than by the app's first start.
    await callApi(request, 'datasets:openDemo')
    current = await callApi(request, 'datasets:current')
  }
  if (!current.ok || !current.result) throw new Error('no dataset open')
  const list = await callApi(request, 'images:list', { datasetId: current.result.id, search: name })
  const image = list.ok ? list.result.find((i) => i.name === name) : undefined
  if (!image) throw new Error(`${name} is not in the demo dataset`)
  if (image.label !== 'original') {
    const r = await callApi(request, 'labels:revert', { imageId: image.id })
    if (!r.ok) throw new Error(r.error.message)
  }
  return image.id
}

/** Opens the app, the image's detail (found by breed, or else by name) and then the editor at 1:1. */
async function openEditor(page: Page, name: string, breed?: string): Promise<void> {
  await openApp(page)
  if (breed) await page.getByLabel('Breed').selectOption(breed)
  else await page.getByLabel('Search by name').fill(name)
  await editFromGrid(page, name)
}

/** Opens the image's tile, then Edit trimap, and shows it at 1:1 once the stage has its size. */
async function editFromGrid(page: Page, name: string): Promise<void> {
  await page.locator(`[data-testid="tile"][data-image-name="${name}"]`).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Edit trimap' }).click()
  await expect(page.getByTestId('editor-view').getByRole('heading', { name })).toBeVisible()
  await oneToOne(page)
}

/** Shows the open editor's image at 1:1 once the stage has its size. */
async function oneToOne(page: Page): Promise<void> {
  const stage = page.getByTestId('trimap-stage')
  await expect(stage.locator('canvas')).toHaveCount(4)
  // The stage has its final size (Konva follows the container) before 1:1 centres the image in it.
  await expect.poll(() => stage.evaluate((el) => el.querySelector('canvas')!.width - el.clientWidth)).toBe(0)
  await page.keyboard.press('0')
  await expect(page.getByLabel('Zoom level')).toHaveText('100%')
}

/** At 1:1 the image is centred on whole pixels: its origin in stage coordinates. */
async function imageOrigin(page: Page, img: Raw): Promise<{ x: number; y: number; left: number; top: number }> {
  const stage = page.getByTestId('trimap-stage')
  const box = (await stage.boundingBox())!
  const size = await stage.evaluate((el) => ({ w: el.querySelector('canvas')!.width, h: el.querySelector('canvas')!.height }))
  return { x: Math.round((size.w - img.width) / 2), y: Math.round((size.h - img.height) / 2), left: box.x, top: box.y }
}

/** RGBA of the overlay layer (Konva's second canvas) at image pixels. */
async function overlayAt(page: Page, img: Raw, points: { x: number; y: number }[]): Promise<number[][]> {
  const o = await imageOrigin(page, img)
  return page.getByTestId('trimap-stage').evaluate(
    (el, pts) => {
      const ctx = el.querySelectorAll('canvas')[1]!.getContext('2d')!
      return pts.map((p) => Array.from(ctx.getImageData(p.x, p.y, 1, 1).data))
    },
    points.map((p) => ({ x: o.x + p.x, y: o.y + p.y })),
  )
}

/** Every pixel shows the class colour (opacity 0.5 leaves alpha ≈ 128 and the colour within rounding). */
function expectColour(pixels: number[][], c: TrimapClass): void {
  for (const [r, g, b, a] of pixels) {
    const [er, eg, eb] = TRIMAP_COLOURS[c]
    expect(Math.max(Math.abs(r! - er), Math.abs(g! - eg), Math.abs(b! - eb)), `rgba ${r},${g},${b},${a}`).toBeLessThanOrEqual(3)
    expect(a).toBeGreaterThan(100)
  }
}

/** A horizontal run of background wide and tall enough for the brush to stay inside it. */
function backgroundRun(t: Raw, len: number, margin: number): { x0: number; y: number } {
  const bg = (x: number, y: number) => t.data[y * t.width + x] === 2
  for (let y = margin; y < t.height - margin; y += 4) {
    for (let x0 = 2; x0 + len < t.width - 2; x0 += 4) {
      let ok = true
      for (let dy = -margin; ok && dy <= margin; dy += 2) for (let x = x0; ok && x <= x0 + len; x += 2) ok = bg(x, y + dy)
      if (ok) return { x0, y }
    }
  }
  throw new Error('no background run found')
}

/** The pixels that differ between two trimaps of one size. */
function diff(a: Raw, b: Raw): { i: number; from: number; to: number }[] {
  const out: { i: number; from: number; to: number }[] = []
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) out.push({ i, from: a.data[i]!, to: b.data[i]! })
  return out
}

const saved = (page: Page) => expect(page.getByTestId('save-state')).toHaveText('Saved')

/** Waits until the PNG on disk holds `want` (autosave writes it shortly after an edit). */
async function expectOnDisk(name: string, want: (t: Raw) => void): Promise<Raw> {
  let last: Raw | null = null
  await expect
    .poll(async () => {
      last = await readTrimap(trimapFile(name))
      try {
        want(last)
        return true
      } catch {
        return false
      }
    })
    .toBe(true)
  want(last!) // the failure message, if the poll gave up
  return last!
}

test('paint, undo, redo and fill are on screen and on disk; the edit survives a reload; revert restores the original', async ({ page, request }) => {
  await pristine(request, NAME)
  const original = await readTrimap(trimapFile(NAME))
  const { x0, y } = backgroundRun(original, 60, 10)
  const stroke = { from: x0 + 8, to: x0 + 52, y }
  const row = Array.from({ length: stroke.to - stroke.from + 1 }, (_, i) => ({ x: stroke.from + i, y }))
  const inBox = (i: number) => {
    const px = i % original.width
    const py = Math.floor(i / original.width)
    return px >= stroke.from - BRUSH && px <= stroke.to + BRUSH && Math.abs(py - y) <= BRUSH
  }
  // A background pixel far from the stroke, to see that nothing else changed (and to fill from).
  const farIndex = original.data.findIndex((v, i) => v === 2 && Math.abs(Math.floor(i / original.width) - y) > 40)
  const far = { x: farIndex % original.width, y: Math.floor(farIndex / original.width) }
  expect(farIndex).toBeGreaterThanOrEqual(0)

  await openEditor(page, NAME)
  const editor = page.getByTestId('editor-view')
  await editor.getByRole('radio', { name: 'Class 1: pet' }).click()
  await editor.getByRole('button', { name: 'Brush', exact: true }).click()
  const o = await imageOrigin(page, original)
  const at = (p: { x: number; y: number }) => [o.left + o.x + p.x + 0.5, o.top + o.y + p.y + 0.5] as const
  await page.mouse.move(...at({ x: stroke.from, y }))
  await page.mouse.down()
  await page.mouse.move(...at({ x: stroke.to, y }), { steps: 12 })
  await page.mouse.up()

  expectColour(await overlayAt(page, original, row), 1)
  expectColour(await overlayAt(page, original, [far]), 2)
  await saved(page)
  const painted = await expectOnDisk(NAME, (t) => {
    expect([t.width, t.height]).toEqual([original.width, original.height])
    for (const p of row) expect(t.data[p.y * t.width + p.x]).toBe(1)
    const changed = diff(original, t)
    expect(changed.filter((c) => !inBox(c.i) || c.to !== 1)).toEqual([])
    expect(changed.length).toBeGreaterThanOrEqual(row.length)
  })

  await page.keyboard.press('Control+Z')
  expectColour(await overlayAt(page, original, row), 2)
  await saved(page)
  await expectOnDisk(NAME, (t) => expect(Buffer.from(t.data).equals(Buffer.from(original.data))).toBe(true))

  await page.keyboard.press('Control+Shift+Z')
  expectColour(await overlayAt(page, original, row), 1)
  await expectOnDisk(NAME, (t) => expect(Buffer.from(t.data).equals(Buffer.from(painted.data))).toBe(true))

  await editor.getByRole('button', { name: 'Fill region' }).click()
  await editor.getByRole('radio', { name: 'Class 3: border' }).click()
  await page.mouse.click(...at(far))
  expectColour(await overlayAt(page, original, [far]), 3)
  await saved(page)
  await expectOnDisk(NAME, (t) => {
    expect(t.data[far.y * t.width + far.x]).toBe(3)
    for (const p of row) expect(t.data[p.y * t.width + p.x]).toBe(1)
    // The fill turned background into border and nothing else.
    expect(diff(painted, t).filter((c) => c.from !== 2 || c.to !== 3)).toEqual([])
  })

  // A fresh page load: the Edited filter lists the image and the edit comes back from disk.
  await openApp(page)
  await page.getByRole('group', { name: 'Label state' }).getByRole('radio', { name: /^Edited/ }).check()
  await expect(page.locator(`[data-testid="tile"][data-image-name="${NAME}"]`)).toContainText('edited')
  await editFromGrid(page, NAME)
  expectColour(await overlayAt(page, original, row), 1)
  expectColour(await overlayAt(page, original, [far]), 3)

  const copy = await readTrimap(originalFile(NAME))
  expect(Buffer.from(copy.data).equals(Buffer.from(original.data))).toBe(true)
  await editor.getByRole('button', { name: 'Revert to original…' }).click()
  await page.getByRole('alertdialog').getByRole('button', { name: 'Revert', exact: true }).click()
  await expect(page.getByTestId('editor-label')).toHaveText('original')
  await expectOnDisk(NAME, (t) => expect(Buffer.from(t.data).equals(Buffer.from(copy.data))).toBe(true))
  expectColour(await overlayAt(page, original, [...row, far]), 2)
  await expect(editor.getByRole('button', { name: 'Revert to original…' })).toBeDisabled()

  // Back in the browser (Escape leaves the editor, then the detail) the Edited filter no longer finds it.
  await page.keyboard.press('Escape')
  await expect(editor).toBeHidden()
  await expect(page.getByRole('dialog').getByRole('heading', { name: NAME })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toBeHidden()
  await expect(page.getByRole('group', { name: 'Label state' }).getByRole('radio', { name: /^Edited/ })).toBeChecked()
  await expect(page.locator(`[data-testid="tile"][data-image-name="${NAME}"]`)).toHaveCount(0)
})

test('a trimap of the wrong size opens with a warning and Fix; next/previous step through the filter', async ({ page, request }) => {
  const id = await pristine(request, BAD)
  const detail = await callApi(request, 'images:get', { id })
  if (!detail.ok) throw new Error(detail.error.message)
  const { width, height } = detail.result
  // Half the size and a value (7) that is no class: what a broken export would write.
  const half = { width: Math.floor(width! / 2), height: Math.floor(height! / 2) }
  const bytes = new Uint8Array(half.width * half.height).fill(2).map((v, i) => (i % 97 === 0 ? 7 : v))
  const keep = await readFile(trimapFile(BAD))
  await writeFile(trimapFile(BAD), await sharp(bytes, { raw: { ...half, channels: 1 } }).png().toBuffer())
  try {
    await openEditor(page, BAD, 'Birman')
    const editor = page.getByTestId('editor-view')
    const warning = editor.getByRole('alert')
    await expect(warning).toContainText('This trimap needs fixing')
    await expect(editor.getByRole('button', { name: 'Brush', exact: true })).toBeDisabled()
    await warning.getByRole('button', { name: 'Fix' }).click()
    await expect(warning).toBeHidden()
    await saved(page)
    await expectOnDisk(BAD, (t) => {
      expect([t.width, t.height]).toEqual([width, height])
      expect(t.data.every((v) => v === 2)).toBe(true)
    })

    // The breed filter lists ten Birmans: next and previous walk that list, saving as they go.
    const names = await page.getByTestId('tile').evaluateAll((els) => els.map((e) => e.getAttribute('data-image-name')))
    const at = names.indexOf(BAD)
    const [away, back] = at + 1 < names.length ? (['Next →', '← Previous'] as const) : (['← Previous', 'Next →'] as const)
    const other = names[at + 1 < names.length ? at + 1 : at - 1]!
    await editor.getByRole('button', { name: away }).click()
    await expect(editor.getByRole('heading', { name: other })).toBeVisible()
    await editor.getByRole('button', { name: back }).click()
    await expect(editor.getByRole('heading', { name: BAD })).toBeVisible()
    await expect(warning).toBeHidden()
  } finally {
    // The app kept the broken file as "the original" on the first save: put the release's back in both
    // places and revert, so later tests see the image as it came.
    await mkdir(dirname(originalFile(BAD)), { recursive: true })
    await writeFile(originalFile(BAD), keep)
    await writeFile(trimapFile(BAD), keep)
    await callApi(request, 'labels:revert', { imageId: id })
  }
})

test('the shortcut help lists every command with its keys; Escape closes it, then the editor', async ({ page, request }) => {
  await pristine(request, NAME)
  await openEditor(page, NAME)
  await page.keyboard.press('?')
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(help).toBeVisible()
  const rows = await help
    .locator('tr')
    .evaluateAll((trs) =>
      trs.map((tr) => [...(tr as HTMLTableRowElement).cells].map((c) => c.textContent!.replace(/\s+/g, ' ').trim()).join(' ')),
    )
  // What a Linux user needs to find, written out here rather than taken from the app's command list.
  for (const row of [
    'Undo Ctrl+Z',
    'Redo Ctrl+Shift+Z or Ctrl+Y',
    'Brush B',
    'Eraser (paints background) E',
    'Border brush (repaints border pixels only) R',
    'Fill region G',
    'Polygon P',
    'Close polygon Enter',
    'Class 1: pet 1',
    'Class 2: background 2',
    'Class 3: border 3',
    'Smaller brush [',
    'Larger brush ]',
    'Zoom to fit F',
    'Zoom 1:1 0 (zero)',
    'Show/hide trimap overlay O (letter)',
    'Paint from prediction (copies the prediction under the brush) T',
    'Accept prediction (replace the trimap) Shift+A',
    'Show/hide prediction Shift+O (letter)',
    'Save now Ctrl+S',
    'Keyboard shortcuts ?',
  ]) {
    expect(rows).toContain(row)
  }
  // …and every toolbar button's shortcut is in the list under the same name.
  const titles = await page.getByRole('toolbar', { name: 'Trimap editor tools' }).locator('button[title]').evaluateAll((bs) => bs.map((b) => b.getAttribute('title')!))
  for (const title of titles) {
    const [, label, keys] = /^(.*) — (.*)$/.exec(title)!
    expect(rows.some((r) => r?.startsWith(`${label} `) && r.includes(keys!.split(' / ')[0]!)), title).toBe(true)
  }

  await page.keyboard.press('Escape')
  await expect(help).toBeHidden()
  await expect(page.getByTestId('editor-view')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('editor-view')).toBeHidden()
  await expect(page.getByRole('dialog').getByRole('heading', { name: NAME })).toBeVisible()
})

/** Drags the brush (class 1, pet) along a background run of `t` at 1:1; returns the pixels under its centre line. */
async function paintPet(page: Page, t: Raw): Promise<{ x: number; y: number }[]> {
  const editor = page.getByTestId('editor-view')
  await editor.getByRole('radio', { name: 'Class 1: pet' }).click()
  await editor.getByRole('button', { name: 'Brush', exact: true }).click()
  const { x0, y } = backgroundRun(t, 40, 10)
  const o = await imageOrigin(page, t)
  const at = (x: number) => [o.left + o.x + x + 0.5, o.top + o.y + y + 0.5] as const
  await page.mouse.move(...at(x0 + 5))
  await page.mouse.down()
  await page.mouse.move(...at(x0 + 35), { steps: 8 })
  await page.mouse.up()
  return Array.from({ length: 31 }, (_, i) => ({ x: x0 + 5 + i, y }))
}

test('a stroke followed at once by a reload is on disk: it is sent as the page goes', async ({ page, request }) => {
  const name = 'Bengal_5'
  const id = await pristine(request, name)
  const original = await readTrimap(trimapFile(name))
  try {
    await openEditor(page, name)
    const row = await paintPet(page, original)
    // Autosave waits a moment after the last edit; the reload comes first.
    await expect(page.getByTestId('save-state')).toHaveText('Unsaved changes')
    await page.reload()
    await expectOnDisk(name, (t) => {
      for (const p of row) expect(t.data[p.y * t.width + p.x]).toBe(1)
    })
    await expect.poll(async () => (await ok(callApi(request, 'images:get', { id }))).label).toBe('edited')
  } finally {
    await callApi(request, 'labels:revert', { imageId: id })
  }
})

test("Clear label asks first and keeps the release's trimap; undoing an unlabelled image's first stroke makes it unlabelled again", async ({ page, request }) => {
  const name = 'Bengal_7'
  const id = await pristine(request, name)
  const release = await readFile(trimapFile(name))
  const original = await readTrimap(trimapFile(name))
  const label = page.getByTestId('editor-label')
  try {
    await openEditor(page, name)
    await expect(label).toHaveText('original')
    await page.keyboard.press('Shift+Delete')
    const confirm = page.getByRole('alertdialog')
    await expect(confirm).toContainText("the release's trimap is kept")
    await confirm.getByRole('button', { name: 'Clear label', exact: true }).click()
    await expect(label).toHaveText('no trimap yet')
    expect(existsSync(trimapFile(name))).toBe(false)
    expect((await readFile(originalFile(name))).equals(release)).toBe(true)

    // Unlabelled now: one stroke labels it, and undoing that stroke removes the label again rather
    // than leaving an all-background trimap on disk.
    await oneToOne(page)
    const row = await paintPet(page, original)
    await saved(page)
    await expect(label).toHaveText('edited')
    await expectOnDisk(name, (t) => {
      for (const p of row) expect(t.data[p.y * t.width + p.x]).toBe(1)
    })
    await page.keyboard.press('Control+Z')
    await saved(page)
    await expect(label).toHaveText('no trimap yet')
    expect(existsSync(trimapFile(name))).toBe(false)
    expect(await ok(callApi(request, 'images:get', { id }))).toMatchObject({ label: null, hasOriginal: true })

    // The release's trimap is one Revert away.
    await page.getByTestId('editor-view').getByRole('button', { name: 'Revert to original…' }).click()
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revert', exact: true }).click()
    await expect(label).toHaveText('original')
    expect((await readFile(trimapFile(name))).equals(release)).toBe(true)
  } finally {
    await callApi(request, 'labels:revert', { imageId: id })
  }
})
