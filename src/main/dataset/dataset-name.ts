// The name a dataset is shown under: after its contents, not its folder (an import lands in whatever
// folder held the archives, often "archives" or "Downloads"). Used by the dataset service on open.
import { closeSync, openSync, readSync } from 'node:fs'
import { basename, join } from 'node:path'
import { LIST_FILE } from './scan'

export const RELEASE_NAME = 'Oxford-IIIT Pet'
/** The first line of the release's list.txt, which copies and subsets of it keep. */
const RELEASE_LIST_HEADER = '#Image CLASS-ID SPECIES BREED ID'
/** The release's annotations/README opens with the dataset's name. */
const README_FILE = 'annotations/README'

function head(file: string, bytes = 512): string {
  let fd: number | null = null
  try {
    fd = openSync(file, 'r')
    const buf = Buffer.alloc(bytes)
    return buf.subarray(0, readSync(fd, buf, 0, bytes, 0)).toString('utf8')
  } catch {
    return ''
  } finally {
    if (fd !== null) closeSync(fd)
  }
}

/** True when the folder holds the Oxford-IIIT Pet release (or a copy or subset of it). */
export function isReleaseLayout(root: string): boolean {
  if (/oxford-iiit pet/i.test(head(join(root, README_FILE)))) return true
  return head(join(root, LIST_FILE)).split(/\r?\n/, 1)[0]?.trim() === RELEASE_LIST_HEADER
}

/** The demo keeps its own name (it copies the release's layout, not its pictures). */
export function datasetName(root: string, isDemo: boolean): string {
  if (!isDemo && isReleaseLayout(root)) return RELEASE_NAME
  return basename(root) || root
}
