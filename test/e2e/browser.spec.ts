// A new user's first minutes in web mode: the demo opens by itself, filters narrow the grid
// consistently with their counts, an image opens with its trimap overlaid, and bad input or a
// missing token is refused. Runs in file order against one server with a fresh data folder.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import sharp from 'sharp'
import { TRIMAP_CLASSES, TRIMAP_COLOURS } from '../../src/shared/trimap'
import { appPath, callApi, dataDir, demoDir, DEMO_IMAGES, facetCount, openApp, token } from './helpers'

const count = (page: Page) => page.getByTestId('image-count')
const tiles = (page: Page) => page.getByTestId('tile')
const tileNames = (page: Page) => tiles(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-image-name') ?? ''))

test('first start generates the demo dataset and opens it by itself', async ({ page, request }) => {
  const before = await callApi(request, 'datasets:current')
  expect(before).toEqual({ ok: true, result: null })

  await openApp(page)
  await expect(page.getByTestId('dataset-summary')).toContainText('demo')
  await expect(page.getByTestId('dataset-summary')).toContainText('370 images')
  await expect(tiles(page).first()).toBeVisible()
  // The first thumbnail really loaded (a broken src would leave naturalWidth at 0).
  const thumb = tiles(page).first().locator('img')
  await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0)

  const after = await callApi(request, 'datasets:current')
  expect(after.ok && after.result?.root).toBe(demoDir)
})

test('a request without the token, or with a wrong one, is refused with 401', async ({ request }) => {
  let current = await callApi(request, 'datasets:current')
  if (current.ok && current.result === null) {
    await callApi(request, 'datasets:openDemo')
    current = await callApi(request, 'datasets:current')
  }
  if (!current.ok || !current.result) throw new Error('no dataset open')
  const list = await callApi(request, 'images:list', { datasetId: current.result.id })
  if (!list.ok) throw new Error(list.error.message)
  const media = `/media/thumb/${list.result[0]!.id}`

  for (const res of [
    await request.get('/'),
    await request.get('/?token=wrong-token'),
    await request.post('/api/datasets:list', { data: '' }),
    await request.post('/api/datasets:list', { data: '', headers: { 'x-workbench-token': 'nope' } }),
    await request.get(media),
    await request.get(`${media}?token=${encodeURIComponent(token.slice(1))}`),
    await request.get('/events', { headers: { cookie: 'wb_token=nope' } }),
  ]) {
    expect(res.status(), res.url()).toBe(401)
    expect((await res.json()).error.code).toBe('UNAUTHORIZED')
  }
  // With the token the same requests succeed, so the refusals were about the token alone. Last: the
  // page sets a token cookie that this request context would then send.
  expect((await request.get(media, { headers: { 'x-workbench-token': token } })).headers()['content-type']).toBe('image/jpeg')
  expect((await request.post('/api/datasets:list', { headers: { 'x-workbench-token': token } })).status()).toBe(200)
  expect((await request.get(appPath)).status()).toBe(200)
})

test('filtering by breed, species and split follows the facet counts; clearing restores all', async ({ page }) => {
  await openApp(page)
  await page.getByLabel('Breed').selectOption('beagle')
  await expect(count(page)).toHaveText('10 images')
  await expect(tiles(page)).toHaveCount(10)
  for (const name of await tileNames(page)) expect(name).toMatch(/^beagle_\d+$/)
  // Under the breed filter the species counts are the breed's own.
  expect(await facetCount(page, 'Species', 'Dogs')).toBe(10)
  expect(await facetCount(page, 'Species', 'Cats')).toBe(0)

  await page.getByLabel('Breed').selectOption('')
  await expect(count(page)).toHaveText(`${DEMO_IMAGES} images`)
  const cats = await facetCount(page, 'Species', 'Cats')
  const dogs = await facetCount(page, 'Species', 'Dogs')
  expect(cats + dogs).toBe(DEMO_IMAGES)

  await page.getByRole('group', { name: 'Species' }).getByRole('radio', { name: /^Dogs/ }).check()
  await expect(count(page)).toHaveText(`${dogs} images`)
  for (const name of await tileNames(page)) expect(name).toMatch(/^[a-z]/)
  const splits = {
    trainval: await facetCount(page, 'Split', 'Train + val'),
    test: await facetCount(page, 'Split', 'Test'),
    none: await facetCount(page, 'Split', 'In no split'),
  }
  expect(splits.trainval + splits.test + splits.none).toBe(dogs)
  expect(splits.test).toBeGreaterThan(0)

  await page.getByRole('group', { name: 'Split' }).getByRole('radio', { name: /^Test/ }).check()
  await expect(count(page)).toHaveText(`${splits.test} images`)
  // The other way round: under split=test, the species facet shows the same number of dogs.
  expect(await facetCount(page, 'Species', 'Dogs')).toBe(splits.test)

  await page.getByRole('button', { name: 'Clear filters' }).click()
  await expect(count(page)).toHaveText(`${DEMO_IMAGES} images`)
  await expect(page.getByRole('group', { name: 'Species' }).getByRole('radio', { name: /^All/ })).toBeChecked()
  await expect(page.getByLabel('Breed')).toHaveValue('')
})

test('the Broken filter lists the corrupt image, and its reason shows when opened', async ({ page, request }) => {
  await openApp(page)
  await page.getByRole('group', { name: 'Label state' }).getByRole('radio', { name: /^Broken/ }).check()
  await expect(count(page)).toHaveText('1 image')
  // The demo truncates beagle_6, like the release's unreadable beagle_116.
  const tile = page.locator('[data-testid="tile"][data-image-name="beagle_6"]')
  await expect(tile).toContainText('broken')
  const detail = await callApi(request, 'images:get', { id: Number(await tile.getAttribute('data-image-id')) })
  if (!detail.ok) throw new Error(detail.error.message)
  expect(detail.result.brokenReason).toBeTruthy()

  await tile.click()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByRole('heading', { name: 'beagle_6' })).toBeVisible()
  await expect(dialog).toContainText('This image cannot be decoded.')
  await expect(dialog.getByTestId('image-problems')).toContainText(`Broken: ${detail.result.brokenReason}`)
})

/** The split the demo's annotation lists give an image, in the words the detail uses. */
function splitOnDisk(name: string): string {
  const listed = (file: string) =>
    readFileSync(join(demoDir, 'annotations', file), 'utf8').split('\n').some((l) => l.split(' ')[0] === name)
  return listed('trainval.txt') ? 'train + val' : listed('test.txt') ? 'test' : 'in no split'
}

/** Pixels per trimap class in the PNG on disk, and its size. */
async function trimapOnDisk(name: string): Promise<{ width: number; height: number; counts: number[] }> {
  const { data, info } = await sharp(join(demoDir, 'annotations/trimaps', `${name}.png`))
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true })
  const counts = TRIMAP_CLASSES.map((c) => data.filter((v) => v === c).length)
  return { width: info.width, height: info.height, counts }
}

test('an opened image shows its facts and its trimap overlay; steps through the list; Escape closes', async ({ page }) => {
  const NAME = 'Abyssinian_1'
  await openApp(page)
  await page.getByLabel('Breed').selectOption('Abyssinian')
  await expect(count(page)).toHaveText('10 images')
  const names = await tileNames(page)
  const at = names.indexOf(NAME)
  expect(at).toBeGreaterThanOrEqual(0)

  await page.locator(`[data-testid="tile"][data-image-name="${NAME}"]`).click()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByRole('heading', { name: NAME })).toBeVisible()
  await expect(dialog.getByText(`${at + 1} of 10`)).toBeVisible()
  const fact = (term: string) => dialog.locator('dt', { hasText: new RegExp(`^${term}$`) }).locator('xpath=following-sibling::dd[1]')
  await expect(fact('Breed')).toHaveText('Abyssinian (class 1)')
  await expect(fact('Split')).toHaveText(splitOnDisk(NAME))

  const img = dialog.locator('img')
  await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0)
  const natural = await img.evaluate((i: HTMLImageElement) => ({ width: i.naturalWidth, height: i.naturalHeight }))
  await expect(fact('Size')).toHaveText(`${natural.width} × ${natural.height} px`)

  const overlay = dialog.getByTestId('trimap-overlay')
  await expect(overlay).toBeVisible()
  const painted = await overlay.evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height)
    const seen: Record<string, number> = {}
    for (let i = 0; i < data.length; i += 4) {
      const key = `${data[i]},${data[i + 1]},${data[i + 2]},${data[i + 3]}`
      seen[key] = (seen[key] ?? 0) + 1
    }
    return { width: canvas.width, height: canvas.height, seen }
  })
  expect({ width: painted.width, height: painted.height }).toEqual(natural)
  // …and it is drawn over the image exactly, whatever size the image is shown at.
  const [shown, over] = [await img.boundingBox(), await overlay.boundingBox()]
  for (const k of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(shown![k] - over![k])).toBeLessThan(1)
  // Exactly the three class colours, opaque, as many pixels of each as the trimap file holds.
  const disk = await trimapOnDisk(NAME)
  expect({ width: disk.width, height: disk.height }).toEqual(natural)
  const expected = Object.fromEntries(
    TRIMAP_CLASSES.map((c, k) => [`${TRIMAP_COLOURS[c].join(',')},255`, disk.counts[k]!] as const).filter(([, n]) => n > 0),
  )
  expect(painted.seen).toEqual(expected)
  expect(Object.keys(expected)).toHaveLength(3)

  if (process.env['WB_SCREENSHOT']) await page.screenshot({ path: process.env['WB_SCREENSHOT'] })

  await expect(overlay).toHaveCSS('opacity', '0.5')
  await dialog.getByLabel('Overlay opacity').fill('0.8')
  await expect(overlay).toHaveCSS('opacity', '0.8')
  await dialog.getByLabel('Show trimap').uncheck()
  await expect(overlay).toBeHidden()
  await dialog.getByLabel('Show trimap').check()
  await expect(overlay).toBeVisible()

  await dialog.getByRole('button', { name: 'Next →' }).click()
  await expect(dialog.getByRole('heading', { name: names[at + 1]! })).toBeVisible()
  await expect(dialog.getByText(`${at + 2} of 10`)).toBeVisible()
  await dialog.getByRole('button', { name: '← Previous' }).click()
  await expect(dialog.getByRole('heading', { name: NAME })).toBeVisible()
  await page.keyboard.press('ArrowRight')
  await expect(dialog.getByRole('heading', { name: names[at + 1]! })).toBeVisible()
  await page.keyboard.press('ArrowLeft')
  await expect(dialog.getByRole('heading', { name: NAME })).toBeVisible()
  if (at === 0) await expect(dialog.getByRole('button', { name: '← Previous' })).toBeDisabled()

  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
  await expect(count(page)).toHaveText('10 images')
})

test('opening a folder that is not a dataset shows the service error and keeps the current dataset', async ({ page, request }) => {
  // The data folder exists but holds no images/ or annotations/.
  const service = await callApi(request, 'datasets:open', { path: dataDir })
  if (service.ok) throw new Error(`${dataDir} opened as a dataset`)
  expect(service.error.code).toBe('NOT_A_DATASET')

  await openApp(page)
  await page.getByRole('button', { name: 'Open folder…' }).click()
  await page.getByLabel('Dataset folder on the server').fill(dataDir)
  await page.getByRole('button', { name: 'Open', exact: true }).click()
  const alert = page.getByRole('alert')
  await expect(alert).toContainText('Could not open the dataset')
  await expect(alert).toContainText(service.error.message)
  await expect(count(page)).toHaveText(`${DEMO_IMAGES} images`)
  await expect(page.getByTestId('dataset-summary')).toContainText('demo')
  await expect(tiles(page).first()).toBeVisible()

  await alert.getByRole('button', { name: /^Dismiss/ }).click()
  await expect(alert).toBeHidden()
})
