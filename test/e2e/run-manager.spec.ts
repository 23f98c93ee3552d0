// The run manager in the compare view, as a person uses it: rename and tag a finished run, archive it
// (it leaves the table until "Show archived runs"), and delete it after a confirmation that names what
// goes. Checked against the service through the API. Independent of the other spec files' order.
import { expect, test } from '@playwright/test'
import { callApi, ok, openApp, trainTinyFinetune } from './helpers'

test('rename, tag, archive and delete a run from the runs table', async ({ page }, testInfo) => {
  test.setTimeout(150_000)
  await openApp(page)
  const dataset = await ok(callApi(page.request, 'datasets:current'))
  const id = await trainTinyFinetune(page.request, dataset!.id, 7100 + testInfo.retry, 'manager')
  await page.getByTestId('tab-compare').click()
  const row = page.getByTestId(`run-row-${id}`)
  await expect(row).toBeVisible()
  // Start time and duration of a finished run.
  await expect(row).toContainText(/\d{4}-\d\d-\d\d \d\d:\d\d/)
  await expect(row).toContainText(/\d+ s|\d+ min/)

  await page.getByTestId(`edit-run-${id}`).click()
  const editor = page.getByTestId(`run-editor-${id}`)
  await editor.getByTestId('run-name-input').fill('my baseline')
  await editor.getByTestId('run-tags-input').fill('cpu tiny')
  await editor.getByTestId('run-note-input').fill('first try on the demo')
  await editor.getByTestId('run-editor-save').click()
  await expect(editor).toBeHidden()
  await expect(page.getByTestId(`run-name-${id}`)).toContainText('my baseline')
  await expect(page.getByTestId(`run-name-${id}`)).toContainText('cpu')
  expect(await ok(callApi(page.request, 'runs:get', { id }))).toMatchObject({ name: 'my baseline', tags: ['cpu', 'tiny'], note: 'first try on the demo' })

  await page.getByTestId(`archive-run-${id}`).click()
  await expect(row).toBeHidden()
  await page.getByTestId('show-archived').check()
  await expect(page.getByTestId(`run-name-${id}`)).toContainText('archived')

  await page.getByTestId(`delete-run-${id}`).click()
  const confirm = page.getByTestId(`delete-confirm-${id}`)
  await expect(confirm.getByTestId('delete-text')).toHaveText(new RegExp(`^Delete run #${id} "my baseline"\\? Removed for good: the run, 1 epoch, [\\d.]+ KB of checkpoints\\.$`))
  await confirm.getByTestId('delete-keep').click()
  await expect(row).toBeVisible()
  await page.getByTestId(`delete-run-${id}`).click()
  await confirm.getByTestId('delete-confirm').click()
  await expect(row).toBeHidden()
  const gone = await callApi(page.request, 'runs:get', { id })
  expect(gone.ok).toBe(false)
  await page.getByTestId('show-archived').uncheck()
})
