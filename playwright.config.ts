// End-to-end tests: web mode served on 127.0.0.1 with a fresh data folder, driven in Debian's Chromium.
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/e2e/chromium'

// Set once in the runner process; its workers inherit the environment.
process.env['WB_E2E_DATA_DIR'] ??= mkdtempSync(join(tmpdir(), 'wb-e2e-'))
process.env['WB_E2E_TOKEN'] ??= randomBytes(18).toString('base64url')
process.env['WB_E2E_PORT'] ??= String(5300 + Math.floor(Math.random() * 500))
const port = process.env['WB_E2E_PORT']

export default defineConfig({
  testDir: 'test/e2e',
  globalTeardown: './test/e2e/global-teardown.ts',
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    deviceScaleFactor: 1,
    viewport: { width: 1280, height: 800 },
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  webServer: {
    command: `node node_modules/tsx/dist/cli.mjs src/main/web/serve.ts --port=${port} --data-dir=${process.env['WB_E2E_DATA_DIR']} --token=${process.env['WB_E2E_TOKEN']}`,
    url: `http://127.0.0.1:${port}/`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
  },
})
