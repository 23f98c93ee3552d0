// Trimap files the app writes into a dataset: the official PNG (8-bit grayscale, values 1/2/3), written
// atomically, and the release's original kept once beside it so it can be restored. Used by the labels service.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { readdir, readFile, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { constants as zlibConstants, deflateSync } from 'node:zlib'
import type { Trimap } from '../../shared/trimap'

export const TRIMAPS_DIR = 'annotations/trimaps'
/**
 * The release's trimaps, copied here before the app first overwrites one and never written again.
 * Inside the dataset (so it travels with it) and outside trimaps/ (so the indexer never reads it as
 * data); the leading dot hides it from other tools that list annotations/.
 */
export const ORIGINALS_DIR = 'annotations/.workbench-original-trimaps'
/** Suffix of temp files; a crash can leave one behind, which the next open of the dataset (or save) removes. */
export const TEMP_SUFFIX = '.wbtmp'
const STALE_TEMP_MS = 10 * 60_000

export const trimapRel = (name: string): string => `${TRIMAPS_DIR}/${name}.png`
export const originalRel = (name: string): string => `${ORIGINALS_DIR}/${name}.png`

let tempCounter = 0
/** Same folder as the target (rename is atomic only within one file system); dot-named so scans skip it. */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}-${tempCounter++}${TEMP_SUFFIX}`)
}

/**
 * The trimap as an 8-bit grayscale PNG (colour type 0, no filter), the release's format. Written by
 * hand over zlib, as a save waits for it: a trimap is long runs of three values, which zlib's RLE
 * strategy packs to about the size of sharp's level 6 in a fraction of the time (1000×1000: ≈0.7 ms;
 * sharp ≈4 ms; pngjs, which converts every pixel through RGBA in JS, ≈8 ms).
 */
export function encodeTrimapPng(t: Trimap): Buffer {
  const { width, height, data } = t
  if (data.length !== width * height) throw new RangeError(`trimap data holds ${data.length} bytes, not ${width}×${height}`)
  // Each row is preceded by its filter type byte, 0 = None.
  const rows = Buffer.alloc((width + 1) * height)
  for (let y = 0; y < height; y++) rows.set(data.subarray(y * width, (y + 1) * width), y * (width + 1) + 1)
  const idat = deflateSync(rows, { level: 6, strategy: zlibConstants.Z_RLE })
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 0, 0, 0, 0], 8) // bit depth 8, greyscale, deflate, no filter method, no interlace
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))])
}

const PNG_SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])

/** length, type, data, CRC-32 of type and data. */
function pngChunk(type: string, body: Buffer): Buffer {
  const out = Buffer.alloc(12 + body.length)
  out.writeUInt32BE(body.length, 0)
  out.write(type, 4, 'latin1')
  body.copy(out, 8)
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length)
  return out
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

// zlib.crc32 needs Node 20.15/22.2; Electron's bundled Node may differ, and the chunks are small.
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 255]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/**
 * Replace `file` with `bytes` so that at any instant (process killed, power lost after the call
 * returned) the file is either the old one or the new one, never a mix: temp file in the same
 * folder, fsync, rename over the target, fsync the folder. The temp file is removed on failure.
 * Synchronous on purpose, for trimap-sized files (kilobytes): the whole sequence takes ~1 ms here,
 * while as nine libuv round trips each waited for the event loop, which under CPU load (a browser
 * redrawing on the same cores) stretched a save's p95 to ~65 ms.
 */
export function writeFileAtomicSync(file: string, bytes: Uint8Array): void {
  let mode = 0o644
  try {
    const st = statSync(file)
    if (st.isFile()) mode = st.mode & 0o777
  } catch {
    // a new file
  }
  const tmp = tempPathFor(file)
  let fd: number | undefined
  try {
    fd = openSync(tmp, 'wx', mode)
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off)
    fsyncSync(fd)
    closeSync(fd)
    fd = undefined
    renameSync(tmp, file)
  } catch (err) {
    if (fd !== undefined) closeQuietly(fd)
    rmSync(tmp, { force: true })
    throw err
  }
  syncDir(dirname(file))
}

/**
 * Makes the rename durable. Best effort: the rename has already happened, so the file is whole
 * either way; Windows cannot open a folder and some file systems refuse fsync on one.
 */
function syncDir(dir: string): void {
  if (process.platform === 'win32') return
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // durability only, see above
  } finally {
    if (fd !== undefined) closeQuietly(fd)
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    // already failing; the first error is the one to report
  }
}

/**
 * Creates a folder of the dataset's annotations if it is missing. Not recursive: annotations/ must
 * exist already, so a vanished dataset is never recreated. Synchronous like writeFileAtomicSync.
 */
export function mkdirInDataset(dir: string): void {
  try {
    mkdirSync(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
}

/**
 * Copy `current` to `copy` unless a copy exists already (the first copy is the release's file and is
 * never replaced) or there is nothing to copy. Returns whether a copy was made.
 */
export async function keepOriginalOnce(current: string, copy: string): Promise<boolean> {
  if (existsSync(copy) || !existsSync(current)) return false
  const bytes = await readFile(current)
  mkdirInDataset(dirname(copy))
  writeFileAtomicSync(copy, bytes)
  return true
}

/**
 * Remove the temp files in `dir` whose save can no longer finish: those of this process (its saves
 * are synchronous, see writeFileAtomicSync, so none is in flight while this runs), those of a process
 * that is gone (killed mid-save), at any age; and any older than a few minutes (a pid reused since).
 * A temp file of another live process's save in progress is left alone.
 */
export async function removeStaleTemps(dir: string, now = Date.now()): Promise<number> {
  let removed = 0
  const names = await readdir(dir).catch(() => [] as string[])
  for (const name of names) {
    if (!name.startsWith('.') || !name.endsWith(TEMP_SUFFIX)) continue
    const file = join(dir, name)
    const st = await stat(file).catch(() => null)
    if (!st?.isFile()) continue
    const pid = tempOwner(name)
    const orphan = pid === process.pid || (pid !== null && !isAlive(pid))
    if (orphan || now - st.mtimeMs > STALE_TEMP_MS) {
      await rm(file, { force: true }).catch(() => undefined)
      removed++
    }
  }
  return removed
}

/** The pid in a name tempPathFor made, or null for any other name. */
function tempOwner(name: string): number | null {
  const m = /\.(\d+)-\d+\.wbtmp$/.exec(name)
  return m ? Number(m[1]) : null
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
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
