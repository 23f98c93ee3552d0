// Experiment templates are previewed before anything is queued: the preview lists the runs with the
// images each trains on and the pretraining they share; a sweep with a count above the labelled pool
// is refused whole, says why, and queues nothing.
import { expect, test } from '@playwright/test'
import type { RunSummary } from '../../src/shared/types/runs'
import { callApi, openApp } from './helpers'

async function runCount(page: import('@playwright/test').Page): Promise<number> {
  const res = await callApi(page.request, 'runs:list', {})
  if (!res.ok) throw new Error(res.error.message)
  return (res.result as RunSummary[]).length
}

test('a sweep is previewed run by run, and one refused count queues none of it', async ({ page }) => {
  await openApp(page)
  await page.getByTestId('tab-train').click()
  await page.getByTestId('epochs').fill('1')
  await page.getByTestId('image-size').fill('32')
  await page.getByTestId('simclr-size').fill('32')
  await page.getByTestId('sweep-method').selectOption('simclr')
  await page.getByTestId('sweep-seeds').fill('1')
  await page.getByTestId('sweep-counts').fill('4, 6')
  await page.getByTestId('template-sweep').click()

  const preview = page.getByTestId('template-preview')
  await expect(preview.getByTestId('preview-row-1')).toContainText('new pretraining on')
  await expect(preview.getByTestId('preview-row-1')).toContainText(/^1.*4 \(held out \d+\)/)
  await expect(preview.getByTestId('preview-row-2')).toContainText("shares run 1's pretraining")
  await expect(page.getByTestId('preview-summary')).toHaveText(/Queues 2 finetunes and 1 new pretraining/)
  await expect(page.getByTestId('preview-queue')).toHaveText('Queue all 3 runs')

  const before = await runCount(page)
  await page.getByTestId('sweep-counts').fill('4, 100000')
  // Changing the template closes the old preview: it no longer says what would be queued.
  await expect(preview).toHaveCount(0)
  await page.getByTestId('template-sweep').click()
  await expect(page.getByTestId('preview-summary')).toHaveText(/^Nothing will be queued: 1 of 2 runs would be refused/)
  await expect(page.getByTestId('preview-row-2')).toContainText(/Refused: .*100000/)
  await expect(page.getByTestId('preview-queue')).toBeDisabled()
  expect(await runCount(page)).toBe(before)
})
