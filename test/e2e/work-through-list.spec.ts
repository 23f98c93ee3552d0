// Working through a list as an annotator does: open an image from a filtered, scrolled grid, walk the
// filtered list with the keys and buttons, come back to the grid where it was; "next unlabelled" and
// "none left"; a Review queue walked the same way, Back returning to it; a review state with a note that
// survives a reload and is found by its badge and filter; the problems badge and filter.
// (Named to sort after browser.spec.ts, whose first test needs the server before any dataset is open.)
import { expect, test, type Page } from '@playwright/test'
import { callApi, ok, openApp, trainTinyFinetune } from './helpers'

const editor = (page: Page) => page.getByTestId('editor-view')
const title = (page: Page) => page.locator('#editor-title')
const scroller = (page: Page) => page.getByTestId('grid-scroller')

/** The first tile wholly inside the grid's viewport, below its top edge. */
async function visibleTileId(page: Page): Promise<number> {
  const id = await scroller(page).evaluate((el) => {
    const box = el.getBoundingClientRect()
    const tiles = [...el.querySelectorAll<HTMLElement>('[data-testid="tile"]')]
    const tile = tiles.find((t) => {
      const r = t.getBoundingClientRect()
      return r.top > box.top + 40 && r.bottom < box.bottom
    })
    return tile ? Number(tile.dataset['imageId']) : null
  })
  if (!id) throw new Error('no tile in view')
  return id
}

async function currentDataset(page: Page): Promise<number> {
  const d = await ok(callApi(page.request, 'datasets:current'))
  if (!d) throw new Error('no dataset open')
  return d.id
}

test('open from a filtered, scrolled grid: Page Down / Next walk the filter, Back returns scrolled where it was', async ({ page }) => {
  await openApp(page)
  const datasetId = await currentDataset(page)
  await page.getByRole('group', { name: 'Species' }).getByRole('radio', { name: /^Dogs/ }).check()
  const dogs = await ok(callApi(page.request, 'images:list', { datasetId, species: 'dog' }))
  await expect(page.getByTestId('image-count')).toHaveText(`${dogs.length} images`)

  await scroller(page).evaluate((el) => (el.scrollTop = 1500))
  await expect.poll(() => scroller(page).evaluate((el) => el.scrollTop)).toBe(1500)
  const first = await visibleTileId(page)
  const at = dogs.findIndex((d) => d.id === first)
  expect(at).toBeGreaterThan(0)
  await page.locator(`[data-testid="tile"][data-image-id="${first}"]`).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Edit trimap' }).click()
  await expect(title(page)).toHaveText(dogs[at]!.name)
  await expect(page.getByTestId('editor-position')).toHaveText(`${at + 1} of ${dogs.length} · browser list`)

  // The next images are the filter's (dogs only), in its order.
  await page.keyboard.press('PageDown')
  await expect(title(page)).toHaveText(dogs[at + 1]!.name)
  await editor(page).getByRole('button', { name: /^Next →/ }).click()
  await expect(title(page)).toHaveText(dogs[at + 2]!.name)
  await page.keyboard.press('PageUp')
  await expect(title(page)).toHaveText(dogs[at + 1]!.name)

  // The shortcut help lists the list keys.
  await page.keyboard.press('?')
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(help.getByRole('row', { name: /Next image in the list/ })).toContainText('Page Down')
  await expect(help.getByRole('row', { name: /Next unlabelled image in the list/ })).toContainText('U')
  await page.keyboard.press('Escape')

  await page.getByTestId('editor-back').click()
  await expect(editor(page)).toBeHidden()
  await expect.poll(() => scroller(page).evaluate((el) => el.scrollTop)).toBe(1500)
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(page.getByTestId('image-count')).toHaveText(`${dogs.length} images`)
  expect(await scroller(page).evaluate((el) => el.scrollTop)).toBeGreaterThan(1000)
})

test('"next unlabelled" jumps over labelled images of the list and says when none is left', async ({ page }) => {
  await openApp(page)
  const datasetId = await currentDataset(page)
  // A breed's list with two images made unlabelled (the release's trimaps are kept; revert restores them).
  const breed = (await ok(callApi(page.request, 'images:list', { datasetId, species: 'cat' })))[0]!.breed
  const before = (await ok(callApi(page.request, 'images:list', { datasetId, breed }))).filter((i) => !i.broken)
  expect(before.length).toBeGreaterThan(5)
  const cleared = [before[2]!, before[4]!]
  for (const i of cleared) await ok(callApi(page.request, 'labels:clear', { imageId: i.id }))
  const pick = await ok(callApi(page.request, 'images:list', { datasetId, breed }))
  const target = cleared[0]!
  await openApp(page)
  await page.getByLabel('Breed').selectOption(pick[0]!.breed)
  await expect(page.getByTestId('image-count')).toHaveText(`${pick.length} images`)
  await page.locator(`[data-testid="tile"][data-image-id="${pick[0]!.id}"]`).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Edit trimap' }).click()
  await expect(title(page)).toHaveText(pick[0]!.name)
  await page.keyboard.press('u')
  await expect(title(page)).toHaveText(target.name)
  await page.keyboard.press('u')
  await expect(title(page)).toHaveText(cleared[1]!.name)
  // Round the list's end to the first unlabelled one again.
  await page.keyboard.press('u')
  await expect(title(page)).toHaveText(target.name)

  // Only labelled images in the list: nothing to jump to, and the editor says so.
  await page.getByTestId('editor-back').click()
  await page.keyboard.press('Escape')
  await page.getByRole('group', { name: 'Label state' }).getByRole('radio', { name: /^Labelled/ }).check()
  const labelled = await ok(callApi(page.request, 'images:list', { datasetId, breed: pick[0]!.breed, label: 'labelled' }))
  await expect(page.getByTestId('image-count')).toHaveText(`${labelled.length} images`)
  await page.locator(`[data-testid="tile"][data-image-id="${labelled[0]!.id}"]`).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Edit trimap' }).click()
  await expect(title(page)).toHaveText(labelled[0]!.name)
  await page.keyboard.press('u')
  await expect(page.getByTestId('editor-message')).toHaveText('No unlabelled image left in this list.')
  await expect(title(page)).toHaveText(labelled[0]!.name)
  await page.getByTestId('editor-back').click()
  for (const i of cleared) await ok(callApi(page.request, 'labels:revert', { imageId: i.id }))
})

test('a Review queue opens the editor on its list: Next walks the queue, Back returns to it where it was', async ({ page }, testInfo) => {
  test.setTimeout(150_000)
  await openApp(page)
  const datasetId = await currentDataset(page)
  const runId = await trainTinyFinetune(page.request, datasetId, 9400 + testInfo.retry, 'e2e annotate-list')
  await page.getByTestId('tab-review').click()
  await page.getByTestId('review-run').selectOption(String(runId))
  await page.getByTestId('predict-labelled').click()
  const queue = page.getByTestId('queue-recheck')
  const rows = queue.getByTestId('queue-row')
  await expect.poll(() => rows.count(), { timeout: 60_000 }).toBeGreaterThan(12)
  const ids = await rows.evaluateAll((rs) => rs.map((r) => Number((r as HTMLElement).dataset['imageId'])))
  const names = await rows.evaluateAll((rs) => rs.map((r) => r.querySelector('img')!.getAttribute('alt')!))

  const list = queue.getByTestId('queue-scroller')
  await list.evaluate((el) => (el.scrollTop = 300))
  await expect.poll(() => list.evaluate((el) => el.scrollTop)).toBe(300)
  const k = 8
  await rows.nth(k).click()
  await expect(title(page)).toHaveText(names[k]!)
  await expect(page.getByTestId('editor-position')).toHaveText(`${k + 1} of ${ids.length} · Re-check list`)
  await page.keyboard.press('PageDown')
  await expect(title(page)).toHaveText(names[k + 1]!)
  await editor(page).getByRole('button', { name: /^Next →/ }).click()
  await expect(title(page)).toHaveText(names[k + 2]!)

  await page.getByTestId('editor-back').click()
  await expect(page.getByTestId('tab-review')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('review-run')).toHaveValue(String(runId))
  await expect(queue.locator(`[data-testid="queue-row"][aria-current="true"]`)).toHaveAttribute('data-image-id', String(ids[k + 2]))
  await expect.poll(() => queue.getByTestId('queue-scroller').evaluate((el) => el.scrollTop)).toBe(300)
})

test('"needs review" with a note: badge, filter and note are there after a reload; problems have a badge and filter', async ({ page }) => {
  await openApp(page)
  const datasetId = await currentDataset(page)
  const [img] = await ok(callApi(page.request, 'images:list', { datasetId, review: 'none', species: 'cat' }))
  if (!img) throw new Error('no unreviewed image')
  await page.getByLabel('Search by name').fill(img.name)
  await page.locator(`[data-testid="tile"][data-image-name="${img.name}"]`).click()
  const control = page.getByRole('dialog').getByTestId('review-control')
  await control.getByLabel('Note').fill('tail cut off by the border')
  await control.getByRole('button', { name: 'Needs review' }).click()
  await expect(control.getByTestId('review-who')).toContainText('Needs review by')
  await page.keyboard.press('Escape')
  await expect(page.locator(`[data-testid="tile"][data-image-name="${img.name}"]`).getByTestId('review-badge')).toHaveText('needs review')

  await openApp(page)
  const before = await ok(callApi(page.request, 'images:facets', { datasetId }))
  const option = page.getByRole('group', { name: 'Review' }).locator('label').filter({ hasText: 'Needs review' })
  await expect(option).toContainText(String(before.review['needs-review']))
  await option.getByRole('radio').check()
  await expect(page.getByTestId('image-count')).toHaveText(`${before.review['needs-review']} ${before.review['needs-review'] === 1 ? 'image' : 'images'}`)
  const tile = page.locator(`[data-testid="tile"][data-image-name="${img.name}"]`)
  await expect(tile.getByTestId('review-badge')).toHaveText('needs review')
  await tile.click()
  await expect(page.getByRole('dialog').getByLabel('Note')).toHaveValue('tail cut off by the border')
  await page.keyboard.press('Escape')
  await page.getByRole('group', { name: 'Review' }).getByRole('radio', { name: /^All/ }).check()

  // The demo has a PNG and a GIF named .jpg: the problems filter lists them, each with its badge.
  const problems = await ok(callApi(page.request, 'images:list', { datasetId, problems: true }))
  expect(problems.length).toBeGreaterThanOrEqual(2)
  await expect(page.getByTestId('problems-count')).toHaveText(String(problems.length))
  await page.getByRole('checkbox', { name: /Only images with problems/ }).check()
  await expect(page.getByTestId('image-count')).toHaveText(`${problems.length} images`)
  await expect(page.getByTestId('tile').first().getByTestId('problem-badge')).toContainText('problem')
  await ok(callApi(page.request, 'reviews:set', { imageId: img.id, state: null }))
})
