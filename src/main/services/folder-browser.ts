// The server-side folder browser behind fs:browse, so web mode can open a dataset without typed paths.
// It lists folder names and the release archives only, never reads a file, and never leaves its roots.
import { realpath, readdir, stat } from 'node:fs/promises'
import { statSync, type Dirent } from 'node:fs'
import { dirname, isAbsolute, join, resolve, sep } from 'node:path'
import { AppError } from '../../shared/errors'
import type { BrowseEntry, FolderListing } from '../../shared/types/browse'

/** The release's two archives, compressed or not: the only files a listing names. */
export const ARCHIVE_NAMES = ['images.tar.gz', 'images.tar', 'annotations.tar.gz', 'annotations.tar']
/** A folder with more entries than this is listed in part (a dataset's images/ holds ~7,400). */
export const MAX_ENTRIES = 2000

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)
}

function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code
}

/** The dataset layout checkLayout asks for; a cheap look, the open itself says what is wrong. */
function looksLikeDataset(dir: string): boolean {
  try {
    return statSync(join(dir, 'images')).isDirectory() && statSync(join(dir, 'annotations', 'list.txt')).isFile()
  } catch {
    return false
  }
}

export class FolderBrowser {
  private readonly roots: string[]

  /** roots: the folders browsing may start from; ones that do not exist (yet) are skipped per call. */
  constructor(roots: string[]) {
    this.roots = [...new Set(roots.map((r) => resolve(r)))]
  }

  async browse(path?: string): Promise<FolderListing> {
    const roots = await this.existingRoots()
    if (roots.length === 0) {
      throw new AppError('NOT_FOUND', `None of the folders you may browse exists: ${this.roots.join(', ')}`)
    }
    const dir = path === undefined ? roots[0]! : await this.allowedFolder(path, roots)
    const entries = await this.entries(dir, roots)
    const root = roots.find((r) => r === dir)
    return {
      path: dir,
      parent: root === undefined ? dirname(dir) : null,
      isDataset: looksLikeDataset(dir),
      roots,
      entries: entries.slice(0, MAX_ENTRIES),
      truncated: entries.length > MAX_ENTRIES,
    }
  }

  /** The roots as real paths, so a link inside one cannot pass for being inside another. */
  private async existingRoots(): Promise<string[]> {
    const found: string[] = []
    for (const r of this.roots) {
      const real = await realpath(r).catch(() => null)
      if (real && !found.includes(real) && (await stat(real)).isDirectory()) found.push(real)
    }
    return found
  }

  /** The real path of a requested folder, refused (naming it) when it is outside, missing or a file. */
  private async allowedFolder(path: string, roots: string[]): Promise<string> {
    if (!isAbsolute(path)) throw new AppError('BAD_INPUT', `fs:browse: path must be absolute, not "${path}"`)
    const outside = (): AppError =>
      new AppError('BAD_INPUT', `${path} is outside the folders you may browse (${roots.join(', ')})`)
    let real: string
    try {
      real = await realpath(path)
    } catch (err) {
      // Whether something exists outside the roots is none of the caller's business.
      if (!roots.some((r) => inside(resolve(path), r))) throw outside()
      if (errnoCode(err) === 'ENOENT') throw new AppError('NOT_FOUND', `No such folder: ${path}`)
      throw new AppError('IO_ERROR', `Cannot open the folder ${path}: ${(err as Error).message}`)
    }
    if (!roots.some((r) => inside(real, r))) throw outside()
    if (!(await stat(real)).isDirectory()) throw new AppError('BAD_INPUT', `${path} is a file, not a folder`)
    return real
  }

  private async entries(dir: string, roots: string[]): Promise<BrowseEntry[]> {
    let dirents: Dirent[]
    try {
      dirents = await readdir(dir, { withFileTypes: true })
    } catch (err) {
      throw new AppError('IO_ERROR', `Cannot list the folder ${dir}: ${(err as Error).message}`)
    }
    const entries: BrowseEntry[] = []
    for (const d of dirents) {
      if (d.name.startsWith('.')) continue
      const entry = await this.entry(dir, d, roots)
      if (entry) entries.push(entry)
    }
    const rank = (e: BrowseEntry): number => (e.kind === 'folder' ? 0 : 1)
    return entries.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name, undefined, { numeric: true }))
  }

  /** A folder or release archive, following links only when they stay inside the roots; else null. */
  private async entry(dir: string, d: Dirent, roots: string[]): Promise<BrowseEntry | null> {
    const full = join(dir, d.name)
    const archive = ARCHIVE_NAMES.includes(d.name)
    // `dir` is a real path inside the roots, so only a link can lead elsewhere; plain files other than
    // the archives are not even looked at (an images/ folder holds thousands).
    if (d.isDirectory()) return { name: d.name, kind: 'folder', isDataset: looksLikeDataset(full) }
    if (d.isFile()) return archive ? { name: d.name, kind: 'archive', isDataset: false } : null
    if (!d.isSymbolicLink()) return null
    const real = await realpath(full).catch(() => null)
    if (!real || !roots.some((r) => inside(real, r))) return null
    const info = await stat(real).catch(() => null)
    if (info?.isDirectory()) return { name: d.name, kind: 'folder', isDataset: looksLikeDataset(real) }
    if (info?.isFile() && archive) return { name: d.name, kind: 'archive', isDataset: false }
    return null
  }
}
