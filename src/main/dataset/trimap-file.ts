// Trimap files the app writes into a dataset: the official PNG (8-bit grayscale, values 1/2/3), written
// atomically, and the release's original kept once beside it so it can be restored. Used by the labels service.
import sharp from 'sharp'
import { existsSync } from 'node:fs'
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { Trimap } from '../../shared/trimap'

export const TRIMAPS_DIR = 'annotations/trimaps'
/**
 * The release's trimaps, copied here before the app first overwrites one and never written again.
 * Inside the dataset (so it travels with it) and outside trimaps/ (so the indexer never reads it as
 * data); the leading dot hides it from other tools that list annotations/.
 */
export const ORIGINALS_DIR = 'annotations/.workbench-original-trimaps'
/** Suffix of temp files; a crash can leave one behind, which a later save of that folder removes. */
export const TEMP_SUFFIX = '.wbtmp'
const STALE_TEMP_MS = 10 * 60_000

export const trimapRel = (name: string): string => `${TRIMAPS_DIR}/${name}.png`
export const originalRel = (name: string): string => `${ORIGINALS_DIR}/${name}.png`

let tempCounter = 0
/** Same folder as the target (rename is atomic only within one file system); dot-named so scans skip it. */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}-${tempCounter++}${TEMP_SUFFIX}`)
}

/** The trimap as an 8-bit grayscale PNG (colour type 0), the release's format. */
export async function encodeTrimapPng(t: Trimap): Promise<Buffer> {
  const input = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)
  // Without 'b-w' sharp widens one channel to RGB; the release's trimaps are single-channel.
  return sharp(input, { raw: { width: t.width, height: t.height, channels: 1 } })
    .toColourspace('b-w')
    .png({ compressionLevel: 6 })
    .toBuffer()
}

/**
 * Replace `file` with `bytes` so that at any instant (process killed, power lost after the call
 * returned) the file is either the old one or the new one, never a mix: temp file in the same
 * folder, fsync, rename over the target, fsync the folder. The temp file is removed on failure.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const mode = await stat(file).then((s) => (s.isFile() ? s.mode & 0o777 : 0o644), () => 0o644)
  const tmp = tempPathFor(file)
  let fh: FileHandle | undefined
  try {
    fh = await open(tmp, 'wx', mode)
    await fh.writeFile(bytes)
    await fh.sync()
    await fh.close()
    fh = undefined
    await rename(tmp, file)
  } catch (err) {
    await fh?.close().catch(() => undefined)
    await rm(tmp, { force: true }).catch(() => undefined)
    throw err
  }
  await syncDir(dirname(file))
}

/**
 * Makes the rename durable. Best effort: the rename has already happened, so the file is whole
 * either way; Windows cannot open a folder and some file systems refuse fsync on one.
 */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  let fh: FileHandle | undefined
  try {
    fh = await open(dir, 'r')
    await fh.sync()
  } catch {
    // durability only, see above
  } finally {
    await fh?.close().catch(() => undefined)
  }
}

/**
 * Copy `current` to `copy` unless a copy exists already (the first copy is the release's file and is
 * never replaced) or there is nothing to copy. Returns whether a copy was made.
 */
export async function keepOriginalOnce(current: string, copy: string): Promise<boolean> {
  if (existsSync(copy) || !existsSync(current)) return false
  const bytes = await readFile(current)
  // Not recursive: annotations/ must exist already, a vanished dataset must not be recreated.
  await mkdir(dirname(copy)).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err
  })
  await writeFileAtomic(copy, bytes)
  return true
}

/** Remove temp files a killed process left in `dir` (older than a few minutes, so never a live write). */
export async function removeStaleTemps(dir: string, now = Date.now()): Promise<number> {
  let removed = 0
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    if (!name.startsWith('.') || !name.endsWith(TEMP_SUFFIX)) continue
    const file = join(dir, name)
    const st = await stat(file).catch(() => null)
    if (st?.isFile() && now - st.mtimeMs > STALE_TEMP_MS) {
      await rm(file, { force: true }).catch(() => undefined)
      removed++
    }
  }
  return removed
}

/** A file-system error as words a user understands, e.g. "folder is read-only". */
export function describeIoError(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  switch (e?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'folder is read-only or not writable by this user'
    case 'EROFS':
      return 'the file system is mounted read-only'
    case 'ENOSPC':
      return 'the disk is full'
    case 'EDQUOT':
      return 'the disk quota is exceeded'
    case 'ENOENT':
      return 'the folder no longer exists'
    case 'EISDIR':
      return 'a folder is in the way of the file'
    case 'ENOTDIR':
      return 'a file is in the way of the folder'
    default:
      return e instanceof Error ? e.message : String(err)
  }
}
