// A checkpoint folder as one unit (used by checkpoint.ts): built whole in a sibling temp folder with a
// manifest of sizes and sha256 sums, then swapped in by renames, the folder it replaces kept as <dir>.prev.
import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import { describeIoError } from '../../dataset/trimap-file'
import type { Files } from './models/weights-io'

export const MANIFEST = 'manifest.json'

const manifestSchema = z.object({
  format: z.literal('unet-ssl-checkpoint'),
  files: z.record(z.string(), z.object({ bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
})

/** Writes one file of a new checkpoint; tests pass one that fails like a full disk. */
export type FileWriter = (file: string, data: Uint8Array) => Promise<void>

/** The previous good checkpoint, kept until the next one is in place. */
export const prevOf = (dir: string): string => `${dir}.prev`
/** Where a checkpoint that failed its checks is moved when the previous one replaces it. */
export const badOf = (dir: string): string => `${dir}.bad`
const TMP_INFIX = '.tmp-'
/** A run keeping its best epoch holds that epoch's checkpoint here until it ends (checkpoint.ts). */
export const bestOf = (dir: string): string => `${dir}.best`
/** The checkpoint folders of a run's dir (current, previous, set aside, best epoch), for removing them all. */
export const checkpointFolders = (dir: string): string[] => [dir, prevOf(dir), badOf(dir), bestOf(dir), prevOf(bestOf(dir))]

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

/** Written and flushed to disk before the folder is renamed into place, so a power cut cannot half-write it. */
export async function writeDurable(file: string, data: Uint8Array): Promise<void> {
  const h = await fs.open(file, 'w')
  try {
    await h.writeFile(data)
    await h.sync()
  } finally {
    await h.close()
  }
}

/** Replaces dir with a folder of exactly `files` (plus the manifest); on failure dir is untouched and no temp folder is left. */
export async function commitFolder(dir: string, files: Files, write: FileWriter = writeDurable): Promise<void> {
  await removeTemps(dir)
  const tmp = `${dir}${TMP_INFIX}${process.pid}`
  try {
    await fs.mkdir(tmp, { recursive: true })
    const manifest: z.infer<typeof manifestSchema> = { format: 'unet-ssl-checkpoint', files: {} }
    for (const [name, data] of Object.entries(files)) {
      await write(path.join(tmp, name), data)
      manifest.files[name] = { bytes: data.byteLength, sha256: sha256(data) }
    }
    // The manifest last: a folder without one was never finished.
    await write(path.join(tmp, MANIFEST), new TextEncoder().encode(JSON.stringify(manifest)))
    await syncDir(tmp)
    if (await exists(dir)) {
      await fs.rm(prevOf(dir), { recursive: true, force: true })
      await fs.rename(dir, prevOf(dir))
    }
    await fs.rename(tmp, dir)
    await syncDir(path.dirname(dir))
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined)
    throw new AppError('IO_ERROR', `could not save the checkpoint ${dir}: ${describeIoError(err)} (any previous checkpoint is kept)`)
  }
}

/**
 * Fails before any training when a checkpoint could not be saved in dir: creates its parent (where the
 * temp folder goes) and writes, flushes and removes a small file there, saying what is wrong in words.
 */
export async function probeCheckpointDir(dir: string, write: FileWriter = writeDurable): Promise<void> {
  const parent = path.dirname(dir)
  const fail = (what: string): never => {
    throw new AppError('IO_ERROR', `cannot save checkpoints in ${parent}: ${what}`)
  }
  await fs.mkdir(parent, { recursive: true }).catch(async (err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code
    fail(code === 'EEXIST' || code === 'ENOTDIR' ? 'it, or a folder above it, is a file, not a folder' : describeIoError(err))
  })
  const st = await fs.stat(dir).catch(() => null)
  if (st && !st.isDirectory()) fail(`${dir} is a file, not a folder`)
  const probe = path.join(parent, `.write-probe-${process.pid}`)
  try {
    await write(probe, new Uint8Array(4096))
  } catch (err) {
    fail(describeIoError(err))
  } finally {
    await fs.rm(probe, { force: true }).catch(() => undefined)
  }
}

/** Temp folders of this checkpoint that a killed process left beside it. */
async function removeTemps(dir: string): Promise<void> {
  const parent = path.dirname(dir)
  const prefix = path.basename(dir) + TMP_INFIX
  const names = await fs.readdir(parent).catch(() => [] as string[])
  for (const n of names) if (n.startsWith(prefix)) await fs.rm(path.join(parent, n), { recursive: true, force: true })
}

/**
 * What is wrong with the files of checkpoint folder dir, or null when each matches its manifest. A
 * folder without manifest.json but with `legacyFile` was written before manifests and is taken as is.
 */
export async function checkFolder(dir: string, legacyFile: string): Promise<string | null> {
  let text: string
  try {
    text = await fs.readFile(path.join(dir, MANIFEST), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && (await exists(path.join(dir, legacyFile)))) return null
    return `its ${MANIFEST} cannot be read (${describeIoError(err)}), so the checkpoint was never finished`
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return `its ${MANIFEST} is not valid JSON`
  }
  const m = manifestSchema.safeParse(parsed)
  if (!m.success) return `its ${MANIFEST} is not a checkpoint manifest`
  for (const [name, want] of Object.entries(m.data.files)) {
    const data = await fs.readFile(path.join(dir, name)).catch((err: unknown) => describeIoError(err))
    if (typeof data === 'string') return `${name} cannot be read: ${data}`
    if (data.byteLength !== want.bytes) return `${name} has ${data.byteLength} bytes, the manifest says ${want.bytes} (truncated or overwritten)`
    if (sha256(data) !== want.sha256) return `${name} does not match its sha256 in the manifest (corrupted)`
  }
  return null
}

/** Puts the previous checkpoint back in dir's place; a bad dir is kept as <dir>.bad for a look. */
export async function restorePrevious(dir: string): Promise<void> {
  if (await exists(dir)) {
    await fs.rm(badOf(dir), { recursive: true, force: true })
    await fs.rename(dir, badOf(dir))
  }
  await fs.rename(prevOf(dir), dir)
}

export async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  )
}

/** Makes renames in dir durable. Best effort: Windows cannot open a folder and some file systems refuse fsync on one. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  const h = await fs.open(dir, 'r').catch(() => null)
  await h?.sync().catch(() => undefined)
  await h?.close()
}
