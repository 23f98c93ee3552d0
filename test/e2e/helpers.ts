// Shared bits of the end-to-end tests: the web-mode URL with this run's token, direct API calls to
// check the UI against, and opening the app until the demo's grid is shown.
import { join } from 'node:path'
import { expect, type APIRequestContext, type Page } from '@playwright/test'
import type { ArgOf, Channel, ResultOf } from '../../src/shared/api'
import type { WireError } from '../../src/shared/errors'
import type { RunConfig } from '../../src/shared/types/runs'
import { API_PREFIX, TOKEN_HEADER } from '../../src/shared/web-protocol'
import { decodeWire, encodeWire } from '../../src/shared/wire'

export const token = process.env['WB_E2E_TOKEN'] ?? ''
export const dataDir = process.env['WB_E2E_DATA_DIR'] ?? ''
export const appPath = `/?token=${encodeURIComponent(token)}`
/** Where the server generates the demo on first start (appPaths' demoDir). */
export const demoDir = join(dataDir, 'demo-dataset')
export const DEMO_IMAGES = 370

/** One contract call over HTTP with the token header; the wire error when the call fails. */
export async function callApi<K extends Channel>(
  request: APIRequestContext,
  channel: K,
  arg?: ArgOf<K>,
): Promise<{ ok: true; result: ResultOf<K> } | { ok: false; status: number; error: WireError }> {
  const res = await request.post(`${API_PREFIX}${channel}`, {
    // A Buffer goes out as is; a string with a JSON content type would be JSON-quoted again.
    headers: { [TOKEN_HEADER]: token, 'content-type': 'application/json' },
    data: Buffer.from(arg === undefined ? '' : encodeWire(arg)),
  })
  const text = await res.text()
  if (res.ok()) return { ok: true, result: decodeWire<ResultOf<K>>(text) }
  return { ok: false, status: res.status(), error: (JSON.parse(text) as { error: WireError }).error }
}

/** Opens the app and waits until the open dataset's grid is shown (the first start generates the demo). */
export async function openApp(page: Page, expectedCount = DEMO_IMAGES): Promise<void> {
  await page.goto(appPath)
  await expect(page.getByTestId('image-count')).toHaveText(`${expectedCount} images`, { timeout: 80_000 })
}

/** The number shown after a facet option's label, e.g. 250 for "Dogs 250". */
export async function facetCount(page: Page, group: string, option: string): Promise<number> {
  const label = page.getByRole('group', { name: group }).locator('label').filter({ hasText: option })
  const text = (await label.innerText()).replace(/,/g, '')
  const match = /(\d+)\s*$/.exec(text)
  if (!match) throw new Error(`no count in facet option "${text}"`)
  return Number(match[1])
}

/** The result of a callApi, or an Error with the service's message. */
export async function ok<T>(p: Promise<{ ok: true; result: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await p
  if (!r.ok) throw new Error(r.error.message)
  return r.result
}

/** Trains a tiny finetune from scratch through the API (seconds on wasm) and waits until it is done. */
export async function trainTinyFinetune(request: APIRequestContext, datasetId: number, seed: number, tag: string): Promise<number> {
  const config: RunConfig = {
    kind: 'finetune', datasetId, method: 'none', labels: { mode: 'count', count: 10 }, frozenEncoder: false,
    skips: true, epochs: 1, batchSize: 8, imageSize: 32, simclrSize: 32, learningRate: 0.001, seed,
    channels: [4, 8], tag,
  }
  const run = await ok(callApi(request, 'runs:enqueue', { config }))
  await expect
    .poll(async () => (await ok(callApi(request, 'runs:get', { id: run.id }))).status, { timeout: 60_000 })
    .toBe('done')
  return run.id
}

/** The Train form at tiny settings (seconds on the wasm backend); a seed of its own per test and attempt. */
export async function fillTinySettings(page: Page, s: { method: string; seed: number; batch: number; labelCount?: number; simclrSize?: number }): Promise<void> {
  await page.getByTestId('method').selectOption(s.method)
  await page.getByRole('radio', { name: 'N images' }).check()
  if (s.labelCount !== undefined) await page.getByTestId('label-count').fill(String(s.labelCount))
  await page.getByTestId('epochs').fill('2')
  await page.getByTestId('batch').fill(String(s.batch))
  await page.getByTestId('image-size').fill('32')
  if (s.simclrSize !== undefined) await page.getByTestId('simclr-size').fill(String(s.simclrSize))
  await page.getByTestId('seed').fill(String(s.seed))
}
