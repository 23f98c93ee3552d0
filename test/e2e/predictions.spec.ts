// Predictions in the trimap editor as a person uses them: a tiny finetune trained through the API, its
// run chosen in the editor before it has predicted the open image, then predicted through the API: the
// prediction appears as a second overlay without reopening the image, is accepted (the saved PNG is
// the prediction, provenance 'predicted') and undone (the PNG is the trimap again).
// Independent of the other spec files' order: its image is not one they use, and is reverted at the end.
import { join } from 'node:path'
import { expect, test, type APIRequestContext } from '@playwright/test'
import sharp from 'sharp'
import type { ImageSummary } from '../../src/shared/types/dataset'
import type { RunConfig } from '../../src/shared/types/runs'
import { callApi, demoDir, openApp } from './helpers'

// Images other spec files look at; this one must not change them.
const USED = new Set(['Abyssinian_1', 'beagle_6', 'Bengal_3', 'Birman_2'])

async function ok<T>(p: Promise<{ ok: true; result: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(r.error.message)
  return r.result
}

async function readPng(name: string): Promise<Uint8Array> {
  const file = join(demoDir, 'annotations/trimaps', `${name}.png`)
  return new Uint8Array(await sharp(file).extractChannel(0).raw().toBuffer())
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i])
}

/** A labelled image no other spec uses, put back to the release's trimap. */
async function pickImage(request: APIRequestContext, datasetId: number): Promise<ImageSummary> {
  const list = await ok(callApi(request, 'images:list', { datasetId, label: 'labelled' }))
  const image = list.filter((i) => !i.broken && i.width !== null && !USED.has(i.name))[2]
  if (!image) throw new Error('no labelled image to predict')
  if (image.label === 'edited' || image.label === 'predicted') await ok(callApi(request, 'labels:revert', { imageId: image.id }))
  return image
}

/** Trains a tiny finetune from scratch (seconds on wasm) and waits until it is done. */
async function tinyRun(request: APIRequestContext, datasetId: number, seed: number): Promise<number> {
  const config: RunConfig = {
    kind: 'finetune', datasetId, method: 'none', labels: { mode: 'count', count: 10 }, frozenEncoder: false,
    skips: true, epochs: 1, batchSize: 8, imageSize: 32, simclrSize: 32, learningRate: 0.001, seed,
    channels: [4, 8], tag: 'e2e predictions',
  }
  const run = await ok(callApi(request, 'runs:enqueue', { config }))
  await expect
    .poll(async () => (await ok(callApi(request, 'runs:get', { id: run.id }))).status, { timeout: 60_000 })
    .toBe('done')
  return run.id
}

test('a prediction appears as a second overlay when its job ends, accepted as one undoable step, saved as predicted', async ({ page, request }, testInfo) => {
  test.setTimeout(120_000)
  await openApp(page)
  const dataset = await ok(callApi(request, 'datasets:current'))
  if (!dataset) throw new Error('no dataset open')
  const image = await pickImage(request, dataset.id)
  const runId = await tinyRun(request, dataset.id, 9100 + testInfo.retry)

  // Open the image in the editor (it lists the finished runs when it opens) and choose the run: it has
  // not predicted this image yet.
  await page.getByLabel('Search by name').fill(image.name)
  await page.locator(`[data-testid="tile"][data-image-name="${image.name}"]`).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Edit trimap' }).click()
  const stage = page.getByTestId('trimap-stage')
  await expect(stage.locator('canvas')).toHaveCount(4)
  await page.getByTestId('prediction-run').selectOption(String(runId))
  await expect(page.getByTestId('prediction-status')).toContainText('No prediction for this image yet')

  // Predict the labelled images until ours has one; the rest of the job is not needed. The job's end
  // (cancelled, or done if it got there first) brings the prediction into the open editor.
  const { jobId } = await ok(callApi(request, 'predictions:start', { runId, datasetId: dataset.id, scope: 'labelled' }))
  let prediction: Uint8Array | null = null
  await expect
    .poll(async () => {
      const t = await ok(callApi(request, 'predictions:get', { runId, imageId: image.id }))
      prediction = t?.data ?? null
      return prediction !== null
    }, { timeout: 30_000 })
    .toBe(true)
  await callApi(request, 'predictions:cancel', { jobId })
  const original = await readPng(image.name)
  expect(sameBytes(original, prediction!)).toBe(false) // else accepting could not be told apart
  const accept = page.getByRole('button', { name: /Accept prediction/ })
  await expect(accept).toBeVisible()

  // The prediction layer (third canvas) shows pixels; hiding it empties the layer.
  const drawn = () =>
    stage.evaluate((el) => {
      const c = el.querySelectorAll('canvas')[2]!
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data
      let n = 0
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++
      return n
    })
  await expect.poll(drawn).toBeGreaterThan(100)
  await page.keyboard.press('Shift+O')
  await expect.poll(drawn).toBe(0)
  await page.keyboard.press('Shift+O')
  await expect.poll(drawn).toBeGreaterThan(100)

  // Accept: the PNG on disk becomes the prediction, with provenance 'predicted'.
  await accept.click()
  await expect(page.getByTestId('save-state')).toHaveText('Saved')
  await expect(page.getByTestId('editor-label')).toHaveText('predicted')
  await expect.poll(async () => sameBytes(await readPng(image.name), prediction!)).toBe(true)

  // Undo is one step back to the trimap as it was, saved as an edit.
  await page.getByRole('button', { name: 'Undo' }).click()
  await expect(page.getByTestId('editor-label')).toHaveText('edited')
  await expect.poll(async () => sameBytes(await readPng(image.name), original)).toBe(true)
  await expect(page.getByRole('button', { name: 'Undo' })).toBeDisabled()

  await ok(callApi(request, 'labels:revert', { imageId: image.id }))
})
