// src/main/training is split by where code runs: worker/ (the training thread, pure) and host/ (clients
// and data assembly, which may use services). Nothing in worker/ may reach host/ or services/.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const main = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src/main')
const workerDir = join(main, 'training/worker')
const forbidden = [join(main, 'training/host'), join(main, 'services')]

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

/** Every module specifier: static imports, re-exports, `import type`, dynamic import(). */
function specifiers(source: string): string[] {
  const found = source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm)
  return [...found].map((m) => m[2]!)
}

/** "file imports spec" for each specifier of source (as if it were file) that lands in host/ or services/. */
function forbiddenImports(file: string, source: string): string[] {
  return specifiers(source)
    .filter((s) => s.startsWith('.') && forbidden.some((dir) => resolve(dirname(file), s).startsWith(dir + '/')))
    .map((s) => `${relative(main, file)} imports ${s}`)
}

describe('training layout', () => {
  const files = tsFiles(workerDir)

  it('finds the worker files and the worker entry', () => {
    expect(files.map((f) => relative(workerDir, f))).toEqual(expect.arrayContaining(['worker.ts', 'job.ts', 'loop.ts', 'wasm-init.ts']))
  })

  it('keeps worker/ free of host/ and services/ imports', () => {
    const bad = files.flatMap((file) => forbiddenImports(file, readFileSync(file, 'utf8')))
    expect(bad, 'worker/ runs in the training thread: move what it needs into worker/ (host/ may import worker/, not the reverse)').toEqual([])
  })

  it('sees imports that reach services/ or host/, and lets shared/ and worker/ ones pass (the check can fail)', () => {
    const source = [
      "import type { A } from '../../../services/run-plan'",
      "export { b } from '../../host/eval-checkpoint'",
      "const c = await import('../../host/x')",
      "import { AppError } from '../../../../shared/errors'",
      "import { buildUnet } from '../models/unet'",
    ].join('\n')
    expect(forbiddenImports(join(workerDir, 'bundle/x.ts'), source)).toEqual([
      'training/worker/bundle/x.ts imports ../../../services/run-plan',
      'training/worker/bundle/x.ts imports ../../host/eval-checkpoint',
      'training/worker/bundle/x.ts imports ../../host/x',
    ])
  })
})
