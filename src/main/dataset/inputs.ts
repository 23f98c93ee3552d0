// What a path given by the user holds: a dataset folder, a folder with the release's two archives,
// or archive files. Used by the CLI's `dataset index` and the service's import.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { AppError } from '../../shared/errors'

export type DatasetInput = { kind: 'folder'; root: string } | { kind: 'archives'; archives: string[]; dest: string }

const ARCHIVE_NAME = /^(images|annotations)\.tar(\.gz)?$|^(images|annotations)\.tgz$/

export function resolveDatasetInput(paths: string[]): DatasetInput {
  if (paths.length === 0) throw new AppError('BAD_INPUT', 'No dataset folder or archive given')
  const abs = paths.map((p) => resolve(p))
  for (const p of abs) if (!existsSync(p)) throw new AppError('NOT_FOUND', `No such file or folder: ${p}`)
  if (abs.length === 1 && statSync(abs[0]!).isDirectory()) {
    const dir = abs[0]!
    if (existsSync(join(dir, 'images')) || existsSync(join(dir, 'annotations'))) return { kind: 'folder', root: dir }
    const archives = readdirSync(dir).filter((n) => ARCHIVE_NAME.test(n)).sort().map((n) => join(dir, n))
    // Neither layout nor archives: let the open report what is missing from a dataset folder.
    return archives.length > 0 ? { kind: 'archives', archives, dest: dir } : { kind: 'folder', root: dir }
  }
  const dirs = abs.filter((p) => statSync(p).isDirectory())
  if (dirs.length > 0) throw new AppError('BAD_INPUT', `Give one dataset folder, or archive files: ${dirs[0]} is a folder`)
  return { kind: 'archives', archives: abs, dest: dirname(abs[0]!) }
}
