// The headline training action from the UI against the real runs service: tiny settings, a plan that
// refuses N above the labelled pool, pretrain → finetune with live progress, then both runs, the
// finetune's metrics and its lineage in the compare view. Independent of the other spec files' order.
import { expect, test, type Page } from '@playwright/test'
import type { RunDetail } from '../../src/shared/types/runs'
import { callApi, fillTinySettings, openApp } from './helpers'

async function runDetail(page: Page, id: number): Promise<RunDetail> {
  const res = await callApi(page.request, 'runs:get', { id })
  if (!res.ok) throw new Error(res.error.message)
  return res.result
}

test('pretrain then finetune on N labels from the Train view, watch it, and compare the runs', async ({ page }, testInfo) => {
  test.setTimeout(180_000)
  await openApp(page)
  await page.getByTestId('tab-train').click()
  await expect(page.getByTestId('train-form')).toBeVisible()
  // A seed of its own (per attempt), so the pipeline queues a new pretraining instead of reusing one.
  await fillTinySettings(page, { method: 'simclr', seed: 4242 + testInfo.retry, batch: 16, simclrSize: 32 })

  const plan = page.getByTestId('run-plan')
  const start = page.getByTestId('start-pipeline')
  // The plan names the backend before anything starts, and the labelled pool it can draw from.
  await expect(page.getByTestId('plan-backend')).toHaveText(/\S/)
  await expect(page.getByTestId('plan-pool')).toHaveText(/^\d+ images$/)
  const pool = Number((await page.getByTestId('plan-pool').innerText()).split(' ')[0])
  expect(pool).toBeGreaterThan(10)

  // N above the pool: the service's reason is shown and the button stays off.
  await page.getByTestId('label-count').fill(String(pool + 1))
  await expect(page.getByTestId('plan-problems')).toContainText(`only ${pool}`)
  await expect(start).toBeDisabled()

  await page.getByTestId('label-count').fill('10')
  await expect(page.getByTestId('plan-problems')).toHaveCount(0)
  await expect(page.getByTestId('plan-train')).toHaveText('10 images')
  await expect(start).toHaveText('Pretrain, then finetune on 10 labels')
  await expect(start).toBeEnabled()
  await start.click()

  const note = page.getByTestId('start-note')
  await expect(note).toHaveText(/^Queued #\d+ and #\d+\.$/)
  const [pre, fine] = [...(await note.innerText()).matchAll(/#(\d+)/g)].map((m) => Number(m[1]))
  if (pre === undefined || fine === undefined) throw new Error('no run ids in the start note')

  // The pretraining runs with a moving progress bar; the finetune waits for it.
  const preItem = page.getByTestId(`queue-item-${pre}`)
  const fineItem = page.getByTestId(`queue-item-${fine}`)
  await expect(fineItem).toContainText(`waits for pretraining #${pre}`)
  await expect(preItem.getByRole('progressbar')).toHaveAttribute('aria-valuenow', /^[1-9]\d*$/, { timeout: 60_000 })
  await expect(page.getByTestId(`queue-stats-${pre}`)).toContainText(/Epoch [12]\/2 · step \d+\/\d+ .* ETA/)
  await expect(page.getByTestId('live-curves')).toContainText(`#${pre}`)

  // Both end done: the pretraining leaves the queue first, then the finetune runs and leaves too.
  await expect(preItem).toHaveCount(0, { timeout: 90_000 })
  await expect(fineItem).toHaveAttribute('data-status', 'running', { timeout: 30_000 })
  await expect(fineItem).toHaveCount(0, { timeout: 90_000 })
  const [preDetail, fineDetail] = [await runDetail(page, pre), await runDetail(page, fine)]
  expect([preDetail.status, fineDetail.status]).toEqual(['done', 'done'])
  expect(fineDetail.parentRunId).toBe(pre)
  expect(fineDetail.epochs.map((e) => e.epoch)).toEqual([1, 2])
  const jaccard = fineDetail.metrics?.jaccard
  if (jaccard === undefined) throw new Error('the finetune has no metrics')

  // Compare: both runs, the finetune's held-out metrics as the service stored them, and its lineage.
  await page.getByTestId('tab-compare').click()
  await expect(page.getByTestId('compare-view')).toBeVisible()
  const preRow = page.getByTestId(`run-row-${pre}`)
  const fineRow = page.getByTestId(`run-row-${fine}`)
  await expect(preRow).toContainText('Done')
  await expect(fineRow).toContainText('Done')
  await expect(fineRow).toContainText('10 images')
  await expect(fineRow.locator('td.num').nth(1)).toHaveText(jaccard.toFixed(3))
  const lineage = page.getByTestId(`lineage-${fine}`)
  await expect(lineage).toHaveText(`← #${pre}`)
  await lineage.click()
  await expect(preRow).toHaveClass(/focused/)

  // Select both: the config diff shows what differs, and the curves overlay has data.
  await page.getByRole('checkbox', { name: `Select run #${fine}`, exact: true }).check()
  await page.getByRole('checkbox', { name: `Select run #${pre}`, exact: true }).check()
  const diff = page.getByTestId('config-diff')
  await expect(diff).toContainText(`#${fine} vs #${pre}`)
  await expect(page.getByTestId('diff-kind')).toContainText('finetune')
  await expect(page.getByTestId('diff-parentRunId')).toContainText(`#${pre}`)
  await expect(page.getByTestId('curves-overlay').locator('canvas').first()).toBeVisible()
  await expect(page.getByTestId('labels-plot').locator('canvas').first()).toBeVisible()
})
