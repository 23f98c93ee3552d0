// The folder an export writes: refused unless new or empty, filled beside its place and renamed into
// it, so a failure or a cancel never leaves a half-written export. Run bundles and predictions exports.
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs'
import { AppError } from '../../../shared/errors'

/** Refuses a destination that exists and is not an empty folder: nothing is overwritten. */
export function refuseNonEmpty(dest: string): void {
  if (!existsSync(dest)) return
  if (!statSync(dest).isDirectory()) throw new AppError('BAD_INPUT', `${dest} exists and is not a folder`)
  if (readdirSync(dest).length > 0) throw new AppError('BAD_INPUT', `${dest} is not empty: choose a new or empty folder (nothing is overwritten)`)
}

/** Fills a folder beside dest and renames it into place; dest must be missing or empty (refuseNonEmpty). */
export async function writeFolder(dest: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${dest}.partial-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  try {
    mkdirSync(tmp, { recursive: true })
    await fill(tmp)
    // rmdir, not rm -r: if something wrote into dest since the check, this fails instead of deleting it.
    if (existsSync(dest)) rmdirSync(dest)
    renameSync(tmp, dest)
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true })
    throw err instanceof AppError ? err : new AppError('IO_ERROR', `could not write the export to ${dest}: ${(err as Error).message}`)
  }
}
