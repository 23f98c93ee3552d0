// The training worker as the app ships it (out/main/worker.js, bundled by electron-vite), not through
// tsx: a bundling fault there (say, two top-level `require`s) breaks every run of the desktop app while
// every source-level test passes. `npm test` builds before the suites run, so CI always has the file.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { expect, it } from 'vitest'
import { probeBackend } from '../../src/main/training/host/worker-client'

const built = join(process.cwd(), 'out/main/worker.js')

it.skipIf(!existsSync(built) && process.env.CI !== 'true')('the bundled training worker starts and answers a backend probe', async () => {
  expect(existsSync(built), `${built} is missing: npm test builds it before the suites run`).toBe(true)
  const report = await probeBackend({ backend: 'wasm', wasmThreads: 1 }, { workerUrl: pathToFileURL(built) })
  expect(report.name).toBe('wasm')
})
