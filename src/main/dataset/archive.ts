// Import of the release's two archives (images.tar.gz, annotations.tar.gz) with progress.
// They may be plain tar despite the name: the format is told by magic bytes, never by extension.
import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { constants, gunzipSync } from 'node:zlib'
import { basename, join } from 'node:path'
import { x as extract } from 'tar'
import { AppError } from '../../shared/errors'
import { throttle } from '../../shared/throttle'
import type { DatasetProgress } from '../../shared/types/dataset'

export type ArchiveKind = 'tar' | 'tar.gz'

function readHead(file: string, n: number): Buffer {
  const fd = openSync(file, 'r')
  try {
    const buf = Buffer.alloc(n)
    const got = readSync(fd, buf, 0, n, 0)
    return buf.subarray(0, got)
  } finally {
    closeSync(fd)
  }
}

/** A tar header block is valid when its stored checksum matches the sum of its bytes. */
export function isTarHeader(block: Uint8Array): boolean {
  if (block.length < 512) return false
  const stored = Number.parseInt(Buffer.from(block.subarray(148, 156)).toString('latin1').replace(/\0.*$/, '').trim(), 8)
  if (!Number.isFinite(stored)) return false
  let sum = 0
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!
  return sum === stored
}

/** Throws BAD_ARCHIVE when the file is neither tar nor gzip-compressed tar. */
export function detectArchive(file: string): ArchiveKind {
  const head = readHead(file, 64 * 1024)
  const name = basename(file)
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    let inner: Buffer
    try {
      // SYNC_FLUSH lets zlib inflate the first part of the stream without its end.
      inner = gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH })
    } catch (err) {
      throw new AppError('BAD_ARCHIVE', `${name} is a damaged gzip file (${(err as Error).message})`)
    }
    if (!isTarHeader(inner)) throw new AppError('BAD_ARCHIVE', `${name} is gzip-compressed but holds no tar archive`)
    return 'tar.gz'
  }
  if (isTarHeader(head)) return 'tar'
  throw new AppError('BAD_ARCHIVE', `${name} is neither a tar nor a tar.gz archive`)
}

/** Only the release's two top folders are extracted; anything else in an archive is left out. */
function wanted(path: string): boolean {
  const top = path.replace(/^\.\//, '').split('/')[0]
  return top === 'images' || top === 'annotations'
}

/**
 * Moves everything under `from` into `to`: folders `to` lacks go over whole, folders it has are
 * merged, and files replace their namesakes (as extracting over them did).
 */
function moveInto(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name)
    const dst = join(to, entry.name)
    if (entry.isDirectory() && existsSync(dst) && statSync(dst).isDirectory()) moveInto(src, dst)
    else renameSync(src, dst)
  }
}

/**
 * Extracts the archive's images/ and annotations/ into `dest`. The archive is unpacked into a hidden
 * staging folder inside `dest` first and moved into place only once it has been read to its end, so
 * a damaged or truncated archive leaves `dest` exactly as it was.
 */
export async function extractArchive(
  file: string,
  dest: string,
  emit: (p: DatasetProgress) => void,
): Promise<number> {
  if (!existsSync(file)) throw new AppError('NOT_FOUND', `No such archive: ${file}`)
  detectArchive(file)
  const name = basename(file)
  const createdDest = mkdirSync(dest, { recursive: true })
  removeDeadStaging(dest)
  const staging = mkdtempSync(join(dest, `${STAGING_PREFIX}${process.pid}-`))
  try {
    const entries = await unpackInto(file, staging, emit)
    try {
      moveInto(staging, dest)
    } catch (err) {
      throw new AppError('IO_ERROR', `${name}: could not move the extracted files into ${dest}: ${(err as Error).message}`)
    }
    const total = statSync(file).size
    emit({ phase: 'extract', done: total, total, message: `Extracted ${entries} entries from ${name}` })
    return entries
  } catch (err) {
    // Only what this call made goes: the staging folder, and `dest` itself when it did not exist.
    rmSync(createdDest ?? staging, { recursive: true, force: true })
    throw err
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

// Staging folders carry their process id: one left by a process killed mid-import is removed by the
// next import, while one of an import still running in another process is left alone.
const STAGING_PREFIX = '.workbench-extracting-'

function removeDeadStaging(dest: string): void {
  for (const entry of readdirSync(dest)) {
    if (!entry.startsWith(STAGING_PREFIX)) continue
    const pid = Number.parseInt(entry.slice(STAGING_PREFIX.length), 10)
    if (!isAlive(pid)) rmSync(join(dest, entry), { recursive: true, force: true })
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Streams the archive through tar into `cwd`, with progress by compressed bytes read. */
async function unpackInto(file: string, cwd: string, emit: (p: DatasetProgress) => void): Promise<number> {
  const total = statSync(file).size
  const name = basename(file)
  let done = 0
  let entries = 0
  const report = throttle(150)
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      done += chunk.length
      if (report()) {
        emit({ phase: 'extract', done, total, message: `Extracting ${name}` })
      }
      cb(null, chunk)
    },
  })
  const unpack = extract({ cwd, strict: true, filter: wanted, onReadEntry: () => void entries++ })
  try {
    await pipeline(createReadStream(file), counter, unpack)
  } catch (err) {
    throw new AppError('BAD_ARCHIVE', `${name} could not be extracted: ${(err as Error).message}`)
  }
  return entries
}
