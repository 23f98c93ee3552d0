// Model in the loop and export as a person uses them: a tiny finetune trained through the API, then in
// the Review tab its predictions for the labelled images fill the "Re-check" queue and a row opens the
// editor on that image; in the Compare view the run is exported to a typed server-side folder, whose
// files are then checked on disk. Independent of the other spec files' order: it only reads labels.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import { callApi, dataDir, ok, openApp, trainTinyFinetune } from './helpers'

const EXPORTED = ['model.json', 'weights.bin', 'config.json', 'metrics.json', 'manifest.json', 'README.md']

test('review a run\'s predictions, open a row in the editor, and export the run from the compare view', async ({ page, request }, testInfo) => {
  test.setTimeout(120_000)
  await openApp(page)
  const dataset = await ok(callApi(request, 'datasets:current'))
  if (!dataset) throw new Error('no dataset open')
  const runId = await trainTinyFinetune(request, dataset.id, 9300 + testInfo.retry, 'e2e review-export')

  // Review: choose the run, predict the labelled images; when the job ends the re-check queue fills.
  await page.getByTestId('tab-review').click()
  await expect(page.getByTestId('review-view')).toBeVisible()
  await page.getByTestId('review-run').selectOption(String(runId))
  const recheck = page.getByTestId('queue-recheck')
  await expect(recheck.getByTestId('queue-empty')).toBeVisible()
  await page.getByTestId('predict-labelled').click()
  await expect(page.getByTestId('predict-progress').getByRole('status')).toHaveText(/^Predicted \d+ labelled images$/, { timeout: 60_000 })
  const rows = recheck.getByTestId('queue-row')
  await expect(rows.first()).toBeVisible()
  expect(await rows.count()).toBeGreaterThan(1)
  await expect(rows.first().getByTestId('queue-score')).toHaveText(/^\d+% disagree$/)

  // A row opens the editor on its image (in the Browse tab), with this run's prediction chosen.
  const first = rows.first()
  const name = await first.getByRole('img').getAttribute('alt')
  if (!name) throw new Error('the queue row names no image')
  await first.click()
  await expect(page.getByTestId('tab-browse')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('editor-view')).toBeVisible()
  await expect(page.locator('#editor-title')).toHaveText(name)
  await expect(page.getByTestId('prediction-run')).toHaveValue(String(runId))
  await page.getByRole('button', { name: '← Back to Re-check list' }).click()
  // Back returns to the Review tab it came from, with no detail dialog left over in the browser.
  await expect(page.getByTestId('tab-review')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByRole('dialog')).toHaveCount(0)

  // Compare: select the run, type a folder under the e2e data dir, export; the files are on disk.
  await page.getByTestId('tab-compare').click()
  await expect(page.getByTestId('compare-view')).toBeVisible()
  await page.getByRole('checkbox', { name: `Select run #${runId}` }).check()
  const parent = join(dataDir, `exports-${testInfo.retry}`)
  await page.getByTestId('export-path').fill(parent)
  await page.getByTestId('export-run').click()
  const dir = join(parent, `run-${runId}`)
  await expect(page.getByTestId('export-message')).toHaveText(`Run #${runId} exported to ${dir}`)
  for (const f of EXPORTED) {
    expect(existsSync(join(dir, f)), f).toBe(true)
    expect(statSync(join(dir, f)).size, f).toBeGreaterThan(0)
  }
  const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[] }[] }
  expect(model.weightsManifest.flatMap((g) => g.paths)).toEqual(['weights.bin'])
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as unknown
  expect(JSON.stringify(config)).toContain('e2e review-export')
})
