// One identity for a dataset's content, the same on every machine: each pool job carries it (the app)
// and a worker started with --dataset-root announces the ones it holds, so a worker whose copy matches
// builds the run's pixels itself. It sums what the pixels are made from and what a copy keeps: each
// indexed image's name and byte size and the bytes of its current label file. An annotator's edit
// rewrites that file (recordTrimap), so the sum changes; the label row's source and dates are left out,
// since a worker's own index of a copy records them differently. Never mtimes or paths: a copy changes both.
import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { AppError } from '../../shared/errors'
import { fileSig } from '../dataset/file-sig'
import { runPool } from '../dataset/pool'
import type { DatasetService } from '../services/dataset-service'

// Bumped whenever what is summed changes, so old and new sums never meet by chance.
const VERSION = 'unet-pool-dataset-v1'

// Label files' sums by path and version (fileSig): a dataset's fingerprint is taken for every pool run,
// and re-reading thousands of trimaps each time would be most of its cost. Capped to stay small.
const labelSums = new Map<string, string>()
const MAX_CACHED = 100_000

/** The sha256 (hex) of the dataset as indexed; throws NOT_FOUND for an unknown dataset. */
export async function datasetFingerprint(datasets: DatasetService, datasetId: number): Promise<string> {
  const info = datasets.dataset(datasetId)
  if (!info) throw new AppError('NOT_FOUND', `No dataset with id ${datasetId}`)
  // Code-unit order, not localeCompare: the order must not depend on the machine's locale.
  const images = datasets.listImages({ datasetId }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const lines: string[] = new Array<string>(images.length)
  const line = async (img: { id: number; name: string }): Promise<string> => {
    const label = datasets.label(img.id)
    const sum = label ? await labelSum(isAbsolute(label.file) ? label.file : join(info.root, label.file)) : null
    return `${JSON.stringify([img.name, datasets.getImage(img.id).bytes, sum])}\n`
  }
  await runPool(images, 8, line, (l, k) => (lines[k] = l))
  const h = createHash('sha256').update(`${VERSION}\n`)
  for (const l of lines) h.update(l)
  return h.digest('hex')
}

/** The sha256 of a label file's bytes ("unreadable: …" when it cannot be read: building its pixels would fail too). */
async function labelSum(file: string): Promise<string> {
  let key: string
  try {
    key = `${file}\0${fileSig(await stat(file))}`
  } catch (err) {
    return `unreadable: ${(err as NodeJS.ErrnoException).code ?? 'error'}`
  }
  const hit = labelSums.get(key)
  if (hit) return hit
  const sum = createHash('sha256').update(await readFile(file)).digest('hex')
  if (labelSums.size >= MAX_CACHED) labelSums.clear()
  labelSums.set(key, sum)
  return sum
}
