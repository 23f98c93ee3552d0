// Walks a dataset folder in the official layout: which image, trimap and head-box files exist (with
// size and mtime for incremental re-indexing) and which files are skipped on purpose (.mat, ._*, strays).
import { isUtf8 } from 'node:buffer'
import { existsSync, readdirSync, statSync, type Dirent } from 'node:fs'
import { extname, join } from 'node:path'
import { AppError } from '../../shared/errors'
import type { BrokenFile } from '../../shared/types/dataset'
import { IMAGE_EXTENSIONS } from './magic'
import { ORIGINALS_DIR, TEMP_SUFFIX } from './trimap-file'

export interface FileSig {
  /** Relative to the dataset root, with forward slashes. */
  rel: string
  abs: string
  bytes: number
  mtimeMs: number
}

export interface ScannedImage extends FileSig {
  /** Image id: the file name without its extension. */
  name: string
  ext: string
}

export interface ScanResult {
  images: ScannedImage[]
  trimaps: Map<string, FileSig>
  xmls: Map<string, FileSig>
  /** Image ids whose release trimap the app kept before overwriting it (see trimap-file.ts). */
  originals: Set<string>
  skipped: string[]
  /** Files that are there but cannot be used, each with why: a name that is not UTF-8, a failed stat. */
  unreadable: BrokenFile[]
}

export const LIST_FILE = 'annotations/list.txt'
export const TRAINVAL_FILE = 'annotations/trainval.txt'
export const TEST_FILE = 'annotations/test.txt'

/** Throws NOT_FOUND / NOT_A_DATASET naming what is missing. */
export function checkLayout(root: string): void {
  if (!existsSync(root)) throw new AppError('NOT_FOUND', `No such folder: ${root}`)
  if (!statSync(root).isDirectory()) throw new AppError('NOT_A_DATASET', `${root} is a file, not a dataset folder`)
  const missing: string[] = []
  if (!isDir(join(root, 'images'))) missing.push('no images/ folder')
  if (!isDir(join(root, 'annotations'))) missing.push('no annotations/ folder')
  else if (!existsSync(join(root, LIST_FILE))) missing.push('no annotations/list.txt')
  if (missing.length > 0) {
    throw new AppError('NOT_A_DATASET', `${root} is not an Oxford-IIIT Pet dataset: ${missing.join(', ')}`)
  }
}

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory()
}

export function scanDataset(root: string): ScanResult {
  checkLayout(root)
  const found: Found = { skipped: [], unreadable: [] }
  const images = scanImages(root, found)
  const trimaps = scanByExt(root, 'annotations/trimaps', '.png', found)
  const xmls = scanByExt(root, 'annotations/xmls', '.xml', found)
  const originals = new Set(
    listDir(root, ORIGINALS_DIR, { skipped: [], unreadable: [] })
      .filter((d) => !isJunk(d) && d.name.endsWith('.png'))
      .map((d) => d.name.slice(0, -'.png'.length)),
  )
  const byFile = (a: BrokenFile, b: BrokenFile): number => compare(a.file, b.file)
  return { images, trimaps, xmls, originals, skipped: found.skipped.sort(), unreadable: found.unreadable.sort(byFile) }
}

/** What a scan puts aside, collected across folders. */
interface Found {
  skipped: string[]
  unreadable: BrokenFile[]
}

interface Entry {
  name: string
  dirent: Dirent<Buffer>
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The folder's entries with their names as text. Names are read as bytes: a name that is not UTF-8
 * would come back as text with U+FFFD in it, a path that does not exist, and one such file must
 * not stop the whole index. Such a name cannot match list.txt either, so its file is reported.
 */
function listDir(root: string, rel: string, found: Found): Entry[] {
  const dir = join(root, rel)
  if (!isDir(dir)) return []
  const out: Entry[] = []
  for (const dirent of readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })) {
    const raw = dirent.name
    if (isUtf8(raw)) out.push({ name: raw.toString('utf8'), dirent })
    else if (raw[0] === DOT) found.skipped.push(`${rel}/${escapeName(raw)}`)
    else found.unreadable.push({ file: `${rel}/${escapeName(raw)}`, reason: 'file name is not valid UTF-8 (rename the file)' })
  }
  return out.sort((a, b) => compare(a.name, b.name))
}

const DOT = 0x2e

/** A name's bytes as readable text: ASCII as is, every other byte as \xHH. */
export function escapeName(raw: Uint8Array): string {
  let out = ''
  for (const b of raw) out += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`
  return out
}

/** Null (and the file reported) when it vanished or cannot be read since the folder was listed. */
function sig(root: string, rel: string, found: Found): FileSig | null {
  // Plain concatenation: path.join's normalising shows up in profiles at 20,000 files.
  const abs = `${root}/${rel}`
  try {
    const st = statSync(abs)
    return { rel, abs, bytes: st.size, mtimeMs: st.mtimeMs }
  } catch (err) {
    found.unreadable.push({ file: rel, reason: `cannot read file: ${(err as Error).message}` })
    return null
  }
}

/** AppleDouble (._x), dot files and anything not a regular file are never data. */
function isJunk(d: Entry): boolean {
  return d.name.startsWith('.') || !d.dirent.isFile()
}

function scanImages(root: string, found: Found): ScannedImage[] {
  const out: ScannedImage[] = []
  const seen = new Set<string>()
  for (const d of listDir(root, 'images', found)) {
    const rel = `images/${d.name}`
    const ext = extname(d.name)
    const name = d.name.slice(0, d.name.length - ext.length)
    // A second file with the same image id (x.jpg and x.png) would be ambiguous: keep the first.
    if (isJunk(d) || !IMAGE_EXTENSIONS.has(ext.toLowerCase()) || name === '' || seen.has(name)) {
      found.skipped.push(d.dirent.isDirectory() ? rel + '/' : rel)
      continue
    }
    const file = sig(root, rel, found)
    if (!file) continue
    seen.add(name)
    out.push({ ...file, name, ext })
  }
  return out
}

function scanByExt(root: string, relDir: string, ext: string, found: Found): Map<string, FileSig> {
  const out = new Map<string, FileSig>()
  for (const d of listDir(root, relDir, found)) {
    const rel = `${relDir}/${d.name}`
    // The app's own temp file of a save in progress (or of one a crash interrupted): not the user's.
    if (d.name.endsWith(TEMP_SUFFIX)) continue
    if (isJunk(d) || extname(d.name).toLowerCase() !== ext) {
      found.skipped.push(d.dirent.isDirectory() ? rel + '/' : rel)
      continue
    }
    const file = sig(root, rel, found)
    if (file) out.set(d.name.slice(0, -ext.length), file)
  }
  return out
}
