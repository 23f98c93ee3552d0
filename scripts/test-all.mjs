// `npm test`: type-check, build, every Vitest suite, then Playwright against web mode; ends with one
// line "N passed, N failed" summed over all suites (CI reads that line).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const bin = (name) => join(root, 'node_modules/.bin', name)
const step = (label, cmd, args) => {
  console.log(`\n=== ${label}`)
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status
}
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null)

rmSync(join(root, 'test-results'), { recursive: true, force: true })
let passed = 0
let failed = 0

if (step('type-check', 'npm', ['run', '--silent', 'typecheck']) === 0) passed++
else failed++
if (step('build', bin('electron-vite'), ['build']) !== 0) {
  console.log('\nbuild failed: skipping the test suites')
  console.log(`${passed} passed, ${failed + 1} failed`)
  process.exit(1)
}

const unitStatus = step('vitest', bin('vitest'), ['run'])
const unit = readJson(join(root, 'test-results/vitest.json'))
if (unit) {
  passed += unit.numPassedTests
  failed += unit.numFailedTests
}
if (unitStatus !== 0 && (!unit || unit.numFailedTests === 0)) failed++ // the runner itself broke

const e2eStatus = step('playwright', bin('playwright'), ['test'])
const e2e = readJson(join(root, 'test-results/playwright.json'))
if (e2e) {
  passed += e2e.stats.expected + e2e.stats.flaky
  failed += e2e.stats.unexpected
}
if (e2eStatus !== 0 && (!e2e || e2e.stats.unexpected === 0)) failed++

console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
