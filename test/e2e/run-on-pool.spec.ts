// The Train tab's "Run on" setting against a real redis-server and one real pool worker process: a
// Redis that does not answer is refused (host named, password masked) and the setting stays on this
// machine; Connect lists the worker; a tiny run trains "on worker <id>" and ends done; back to this
// machine, which a reload still shows. Leaves the shared server's setting on this machine.
import { mkdtempSync, rmSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { freePort, startRedis, startWorker, type RedisServer, type WorkerProcess } from '../integration/pool/harness'
import { callApi, fillTinySettings, ok, openApp } from './helpers'

interface Pool {
  redis: RedisServer
  worker: WorkerProcess
  workerDir: string
}

/** The redis-server and its worker, started while the app opens; stopped after each attempt. */
let pool: Promise<Pool> | null = null
/** The run this test queued, cancelled in teardown if it has not ended. */
let runId: number | null = null

async function startPool(): Promise<Pool> {
  const redis = await startRedis()
  const workerDir = mkdtempSync(join(tmpdir(), 'wb-e2e-pool-worker-'))
  try {
    return { redis, worker: await startWorker(redis.url, workerDir), workerDir }
  } catch (err) {
    await redis.stop()
    rmSync(workerDir, { recursive: true, force: true })
    throw err
  }
}

test.afterEach(async ({ request }) => {
  try {
    // Other spec files share this server: whatever happened, runs start on this machine again.
    if (runId !== null) {
      const r = await callApi(request, 'runs:get', { id: runId })
      if (r.ok && (r.result.status === 'queued' || r.result.status === 'running')) await callApi(request, 'runs:cancel', { id: runId })
    }
    await ok(callApi(request, 'pool:set', { mode: 'local' }))
  } finally {
    runId = null
    const started = await pool?.catch(() => null)
    pool = null
    if (started) {
      await started.worker.stop()
      await started.redis.stop()
      rmSync(started.workerDir, { recursive: true, force: true })
    }
  }
})

async function openTrainTab(page: Page): Promise<void> {
  await openApp(page)
  await page.getByTestId('tab-train').click()
  await expect(page.getByTestId('run-on')).toBeVisible()
}

test('run on the worker pool: refused when Redis does not answer, then train a run on a worker and come back', async ({ page }, testInfo) => {
  test.setTimeout(120_000)
  pool = startPool()
  const started = pool
  // Awaited below; until then a failed start is not an unhandled rejection.
  void pool.catch(() => undefined)
  await openTrainTab(page)
  const local = page.getByTestId('run-on-local')
  const poolRadio = page.getByTestId('run-on-pool')
  const urlInput = page.getByTestId('run-on-url')
  const connect = page.getByTestId('run-on-connect')
  const problem = page.getByTestId('run-on-problem')
  await expect(local).toBeChecked()

  await test.step('a Redis that does not answer is refused, its password masked, and runs stay on this machine', async () => {
    const port = await freePort()
    // As the docs say: type the URL and press Connect.
    await urlInput.fill(`redis://:hunter2@127.0.0.1:${port}`)
    await connect.click()
    await expect(problem).toContainText(`cannot reach the worker pool's Redis at redis://:***@127.0.0.1:${port}`)
    await expect(page.getByTestId('run-on')).not.toContainText('hunter2')
    await expect(local).toBeChecked()
    await expect(poolRadio).not.toBeChecked()
    await expect(page.getByTestId('run-on-current')).toHaveCount(0)
    await expect(page.getByTestId('pool-workers')).toHaveCount(0)
    expect((await ok(callApi(page.request, 'pool:get'))).mode).toBe('local')
  })

  const { redis: server, worker: w } = await started
  // "worker <id>: <backend> (<n> threads)", as the worker says once it takes jobs.
  const backend = /worker \S+: (\S+) \(/.exec(w.output())?.[1]
  if (!backend) throw new Error(`the worker did not say its backend:\n${w.output()}`)

  await test.step('Connect to a live Redis: the pool is the setting and its worker is listed', async () => {
    await urlInput.fill(server.url)
    await connect.click()
    await expect(page.getByTestId('run-on-current')).toContainText(`Runs start on the pool at ${server.url}`)
    // Web mode serves the images to workers: the page says from where.
    await expect(page.getByTestId('run-on-images')).toContainText(`fetch its images from ${new URL(page.url()).origin}`)
    await expect(poolRadio).toBeChecked()
    await expect(problem).toHaveCount(0)
    const row = page.getByTestId(`pool-worker-${w.id}`)
    await expect(row.locator('strong')).toHaveText(hostname())
    await expect(row).toContainText(`${backend} (1 thread)`)
    await expect(row).toContainText('idle')
    await expect(page.getByTestId('pool-workers').locator('h4')).toContainText('(1)')
  })

  await test.step('a tiny run trains on the worker and ends done with its epochs', async () => {
    // A seed of its own per attempt, so a retry queues a new run.
    await fillTinySettings(page, { method: 'none', seed: 8800 + testInfo.retry, batch: 8, labelCount: 10 })
    const start = page.getByTestId('start-pipeline')
    await expect(start).toHaveText('Finetune from scratch on 10 labels')
    await start.click()
    await expect(page.getByTestId('start-note')).toHaveText(/^Queued #\d+\.$/)
    runId = Number(/#(\d+)/.exec(await page.getByTestId('start-note').innerText())?.[1])
    const item = page.getByTestId(`queue-item-${runId}`)
    await expect(page.getByTestId(`queue-worker-${runId}`)).toHaveText(`on worker ${w.id}`, { timeout: 30_000 })
    await expect(item).toHaveAttribute('data-status', 'running')
    // Done: it leaves the queue, trained on that worker, both epochs stored.
    await expect(item).toHaveCount(0, { timeout: 60_000 })
    const detail = await ok(callApi(page.request, 'runs:get', { id: runId }))
    expect(detail.status, detail.error ?? '').toBe('done')
    expect(detail.worker).toBe(w.id)
    expect(detail.epochs.map((e) => e.epoch)).toEqual([1, 2])
  })

  await test.step('back to this machine, which is what the page shows after a reload', async () => {
    await local.check()
    await expect(page.getByTestId('run-on-current')).toHaveCount(0)
    await expect(page.getByTestId('pool-workers')).toHaveCount(0)
    await expect(local).toBeChecked()
    await expect(problem).toHaveCount(0)
    await openTrainTab(page)
    await expect(page.getByTestId('run-on-local')).toBeChecked()
    await expect(page.getByTestId('run-on-pool')).not.toBeChecked()
    await expect(page.getByTestId('run-on-current')).toHaveCount(0)
    // The stored URL stays as the field's hint, its password (none here) masked.
    await expect(page.getByTestId('run-on-url')).toHaveAttribute('placeholder', server.url)
    expect((await ok(callApi(page.request, 'pool:get'))).mode).toBe('local')
  })
})
