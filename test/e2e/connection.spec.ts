// Web mode from a user's chair, against a server of this file's own (it is killed and restarted):
// open a dataset by browsing the server's folders; the server goes away mid-training (banner, no stale
// ETA) and comes back on the same port and data folder (banner gone, calls work with the same token);
// a restart with --new-token tells the open page to use the new URL.
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from '@playwright/test'
import type { ArgOf, Channel, ResultOf } from '../../src/shared/api'
import type { RunConfig } from '../../src/shared/types/runs'
import { API_PREFIX, TOKEN_HEADER } from '../../src/shared/web-protocol'
import { decodeWire, encodeWire } from '../../src/shared/wire'

const port = 6000 + Math.floor(Math.random() * 2000)
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'wb-e2e-conn-')))
const dataDir = join(dir, 'data')
const browseRoot = join(dir, 'browse')
let server: ChildProcess | null = null
let url = ''

/** Starts serve.ts (no --token: the data folder's token file) and waits for the URL it prints. */
async function serve(...extra: string[]): Promise<string> {
  const args = ['--import', 'tsx', 'src/main/web/serve.ts', `--port=${port}`, `--data-dir=${dataDir}`, `--browse-root=${browseRoot}`, ...extra]
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  server = proc
  let out = ''
  const printed = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      out += chunk.toString()
      const m = /Open (http:\/\/\S+)/.exec(out)
      if (m) resolve(m[1]!)
    }
    proc.stdout!.on('data', read)
    proc.stderr!.on('data', read)
    proc.once('exit', (code) => reject(new Error(`serve.ts exited (${code}) before serving:\n${out}`)))
  })
  expect(new URL(printed).port).toBe(String(port))
  return printed
}

/** What a crash or `kill -9` does: no shutdown, no goodbye to the page. */
async function killServer(): Promise<void> {
  if (!server || server.exitCode !== null) return
  const exited = once(server, 'exit')
  server.kill('SIGKILL')
  await exited
}

async function call<K extends Channel>(channel: K, arg?: ArgOf<K>): Promise<ResultOf<K>> {
  const token = new URL(url).searchParams.get('token') ?? ''
  const res = await fetch(`http://127.0.0.1:${port}${API_PREFIX}${channel}`, {
    method: 'POST',
    headers: { [TOKEN_HEADER]: token, 'content-type': 'application/json' },
    body: arg === undefined ? '' : encodeWire(arg),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${channel}: ${text}`)
  return decodeWire<ResultOf<K>>(text)
}

test.describe.configure({ mode: 'serial' })

test.beforeAll(async () => {
  test.setTimeout(180_000)
  mkdirSync(join(browseRoot, 'more'), { recursive: true })
  const demo = (out: string, count: number) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'dataset', 'demo', '--out', out, '--count', String(count)])
  await demo(join(browseRoot, 'pets-a'), 37)
  await demo(join(browseRoot, 'more', 'pets-b'), 74)
  url = await serve()
  // Something open before the page loads, so the first start does not generate the demo.
  await call('datasets:open', { path: join(browseRoot, 'pets-a') })
})

test.afterAll(async () => {
  await killServer()
  rmSync(dir, { recursive: true, force: true })
})

test('opens a dataset by browsing the server folders, no path typed', async ({ page }) => {
  await page.goto(url)
  await expect(page.getByTestId('image-count')).toHaveText('37 images', { timeout: 60_000 })
  await expect(page.getByTestId('dataset-summary')).toContainText('Oxford-IIIT Pet')
  await page.getByRole('button', { name: 'Open folder…' }).click()
  await expect(page.getByTestId('browse-path')).toHaveText(browseRoot)
  await expect(page.getByTestId('browse-entry-pets-a')).toContainText('dataset')
  await page.getByRole('button', { name: 'Go into more' }).click()
  await expect(page.getByTestId('browse-path')).toHaveText(join(browseRoot, 'more'))
  await page.getByRole('button', { name: 'Open pets-b' }).click()
  await expect(page.getByTestId('image-count')).toHaveText('74 images', { timeout: 60_000 })
  await expect(page.getByTestId('open-panel')).toBeHidden()

  // The one opened before is a click away in the recent list, with its image count.
  await page.getByRole('button', { name: 'Open folder…' }).click()
  const recent = page.getByTestId('recent-datasets')
  await expect(recent).toContainText('37 images')
  await recent.getByRole('button', { name: `Open Oxford-IIIT Pet (${join(browseRoot, 'pets-a')})` }).click()
  await expect(page.getByTestId('image-count')).toHaveText('37 images')
})

test('the server goes away mid-training and comes back: banner, no stale ETA, same token', async ({ page }) => {
  test.setTimeout(240_000)
  const current = await call('datasets:current')
  const config: RunConfig = {
    kind: 'finetune', datasetId: current!.id, method: 'none', labels: { mode: 'count', count: 10 }, frozenEncoder: false,
    skips: true, epochs: 500, batchSize: 8, imageSize: 32, simclrSize: 32, learningRate: 0.001, seed: 3,
    channels: [4, 8], tag: 'long',
  }
  const run = await call('runs:enqueue', { config })
  await page.goto(url)
  await page.getByTestId('tab-train').click()
  await expect(page.getByTestId(`queue-stats-${run.id}`)).toContainText('ETA', { timeout: 90_000 })

  await killServer()
  const banner = page.getByTestId('connection-banner')
  await expect(banner).toContainText('Server unreachable — reconnecting…')
  await expect(page.getByTestId(`queue-stats-${run.id}`)).toBeHidden()
  await expect(page.locator('body')).not.toContainText(/ETA \d/)

  await serve()
  await expect(banner).toBeHidden({ timeout: 30_000 })
  // A call from the page itself, with the token it was opened with.
  await page.getByTestId(`cancel-${run.id}`).click()
  await page.getByTestId(`cancel-confirm-${run.id}`).click()
  await expect(page.getByTestId(`stopped-${run.id}`)).toContainText('Cancelled', { timeout: 60_000 })
})

test('a restart with --new-token tells the open page to use the new URL', async ({ page }) => {
  await page.goto(url)
  await expect(page.getByTestId('image-count')).toBeVisible({ timeout: 60_000 })
  await killServer()
  await expect(page.getByTestId('connection-banner')).toContainText('Server unreachable')
  const newUrl = await serve('--new-token')
  expect(newUrl).not.toBe(url)
  await expect(page.getByTestId('connection-banner')).toContainText(
    "The server's token changed: open the new URL printed by the server.",
    { timeout: 30_000 },
  )
  await page.goto(newUrl)
  await expect(page.getByTestId('connection-banner')).toBeHidden()
  await expect(page.getByTestId('image-count')).toBeVisible({ timeout: 60_000 })
})
