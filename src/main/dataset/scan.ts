// Walks a dataset folder in the official layout: which image, trimap and head-box files exist (with
// size and mtime for incremental re-indexing) and which files are skipped on purpose (.mat, ._*, strays).
import { existsSync, readdirSync, statSync, type Dirent } from 'node:fs'
import { extname, join } from 'node:path'
import { AppError } from '../../shared/errors'
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
  const skipped: string[] = []
  const images = scanImages(root, skipped)
  const trimaps = scanByExt(root, 'annotations/trimaps', '.png', skipped)
  const xmls = scanByExt(root, 'annotations/xmls', '.xml', skipped)
  const originals = new Set(
    listDir(root, ORIGINALS_DIR)
      .filter((d) => !isJunk(d) && d.name.endsWith('.png'))
      .map((d) => d.name.slice(0, -'.png'.length)),
  )
  return { images, trimaps, xmls, originals, skipped: skipped.sort() }
}

function listDir(root: string, rel: string): Dirent[] {
  const dir = join(root, rel)
  if (!isDir(dir)) return []
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

function sig(root: string, rel: string): FileSig {
  // Plain concatenation: path.join's normalising shows up in profiles at 20,000 files.
  const abs = `${root}/${rel}`
  const st = statSync(abs)
  return { rel, abs, bytes: st.size, mtimeMs: st.mtimeMs }
}

/** AppleDouble (._x), dot files and anything not a regular file are never data. */
function isJunk(d: Dirent): boolean {
  return d.name.startsWith('.') || !d.isFile()
}

function scanImages(root: string, skipped: string[]): ScannedImage[] {
  const out: ScannedImage[] = []
  const seen = new Set<string>()
  for (const d of listDir(root, 'images')) {
    const rel = `images/${d.name}`
    const ext = extname(d.name)
    const name = d.name.slice(0, d.name.length - ext.length)
    // A second file with the same image id (x.jpg and x.png) would be ambiguous: keep the first.
    if (isJunk(d) || !IMAGE_EXTENSIONS.has(ext.toLowerCase()) || name === '' || seen.has(name)) {
      skipped.push(d.isDirectory() ? rel + '/' : rel)
      continue
    }
    seen.add(name)
    out.push({ ...sig(root, rel), name, ext })
  }
  return out
}

function scanByExt(root: string, relDir: string, ext: string, skipped: string[]): Map<string, FileSig> {
  const out = new Map<string, FileSig>()
  for (const d of listDir(root, relDir)) {
    const rel = `${relDir}/${d.name}`
    // The app's own temp file of a save in progress (or of one a crash interrupted): not the user's.
    if (d.name.endsWith(TEMP_SUFFIX)) continue
    if (isJunk(d) || extname(d.name).toLowerCase() !== ext) {
      skipped.push(d.isDirectory() ? rel + '/' : rel)
      continue
    }
    out.set(d.name.slice(0, -ext.length), sig(root, rel))
  }
  return out
}
