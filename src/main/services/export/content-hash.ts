// A run's content hash: sha256 over its config, manifest and weights, the same for a run, its export
// and that export imported anywhere, so the same run imported twice is recognised (run-admin.ts).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { RunConfig, RunManifest } from '../../../shared/types/runs'
import { modelFileSchema } from './bundle-files'

export const HASH_PREFIX = 'sha256:'

/** JSON with object keys sorted, so key order never changes the hash. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined)
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`
  }
  return JSON.stringify(v)
}

/**
 * The parts of a run that make it this run. Which dataset row and which parent run it points at are
 * left out: an import gets new ones, and the same run must hash the same in every app it is in.
 */
function identity(config: RunConfig, manifest: RunManifest): string {
  const { datasetId: _d, parentRunId: _p, ...rest } = config
  return `${canonical(rest)}\n${canonical({ train: manifest.train, eval: manifest.eval })}\n`
}

/** The hash of a run from its config, manifest and weight bytes (in weightsManifest order). */
export function contentHash(config: RunConfig, manifest: RunManifest, weights: Iterable<Uint8Array>): string {
  const h = createHash('sha256').update(identity(config, manifest))
  for (const part of weights) h.update(part)
  return HASH_PREFIX + h.digest('hex')
}

/** The hash of a run whose checkpoint (or bundle) folder is `dir`; null when its model or a weight file is missing or unreadable. */
export function folderContentHash(config: RunConfig, manifest: RunManifest, dir: string): string | null {
  try {
    const model = modelFileSchema.safeParse(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')))
    if (!model.success) return null
    const files = model.data.weightsManifest.flatMap((g) => g.paths)
    return contentHash(config, manifest, files.map((f) => readFileSync(join(dir, f))))
  } catch {
    // No checkpoint (deleted, never written): it cannot be the same run as anything.
    return null
  }
}
