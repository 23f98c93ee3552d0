// The wasm thread patches (worker/wasm-threads-adapter.ts) were written against one tfjs-backend-wasm
// version: this fails loudly when the installed one differs, and checks the script rewrite still applies.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { PATCHED_INTERNALS, TFJS_WASM_PATCHED_FOR, writeWorkerScript } from '../../../src/main/training/worker/wasm-threads-adapter'

const require = createRequire(import.meta.url)
const installed = (JSON.parse(readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'), 'utf8')) as { version: string }).version

describe('wasm threads adapter', () => {
  it('patches the tfjs-backend-wasm version that is installed', () => {
    const recheck = PATCHED_INTERNALS.map((s) => `  - ${s}`).join('\n')
    expect(
      installed,
      `@tensorflow/tfjs-backend-wasm is ${installed}, but src/main/training/worker/wasm-threads-adapter.ts patches the internals of ${TFJS_WASM_PATCHED_FOR}. ` +
        `Re-check, in the new version's dist/ and wasm-out/:\n${recheck}\n` +
        'then run test/unit/training/kernels-threaded.test.ts (threads > 1 must start and agree with 1 thread) and set TFJS_WASM_PATCHED_FOR.',
    ).toBe(TFJS_WASM_PATCHED_FOR)
  })

  it("rewrites the installed pthread worker script to import the module factory by path", () => {
    const distDir = require.resolve('@tensorflow/tfjs-backend-wasm').replace(/[\\/][^\\/]+$/, '')
    const script = readFileSync(writeWorkerScript(distDir), 'utf8')
    expect(script).toContain('tfjs-backend-wasm-threaded-simd.js')
    expect(script).not.toContain('e.data.urlOrBlob=="string"')
  })
})
