// Indexes a dataset folder into SQLite, incrementally: an image whose size and mtime did not change
// is not decoded again, and labels the user edited are never overwritten.
import { readFile } from 'node:fs/promises'
import { cpus } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { AppError } from '../../shared/errors'
import type { BrokenFile, DatasetProgress, HeadBox } from '../../shared/types/dataset'
import type { DatasetsRepo } from '../db/repositories/datasets-repo'
import type { ImageRecord, IndexedRow, ImagesRepo } from '../db/repositories/images-repo'
import type { LabelsRepo } from '../db/repositories/labels-repo'
import type { Catalogue, ImageMeta } from './catalogue'
import { checkTrimap, decodeImage, formatProblem, type DecodeResult } from './decode'
import { parseHeadBox } from './head-box'
import type { ImageCache } from './image-cache'
import { runPool } from './pool'
import { scanDataset, type FileSig, type ScannedImage } from './scan'
import { originalRel } from './trimap-file'
import { throttle } from '../../shared/throttle'
import { fileSig } from './file-sig'

export interface IndexDeps {
  datasets: DatasetsRepo
  images: ImagesRepo
  labels: LabelsRepo
  cache: ImageCache
  emit?: (p: DatasetProgress) => void
}

export interface IndexStats {
  /** Images whose row was written (new, changed, moved split…). */
  written: number
  /** Images decoded (new or changed file). */
  decoded: number
  skipped: string[]
  /** Files found but not indexable (a name that is not UTF-8…), with why; see scan.ts. */
  unreadable: BrokenFile[]
}

interface Job {
  img: ScannedImage
  meta: ImageMeta
  row: IndexedRow | undefined
  trimap: FileSig | undefined
  xml: FileSig | undefined
  decode: boolean
  /** The kept release trimap, when the app overwrote this image's trimap (trimap-file.ts). */
  original?: string
}

interface JobResult {
  record: ImageRecord
  /** `usable: false`: the file exists but is no label (see checkTrimap); its problem is in the record. */
  trimap: { rel: string; usable: boolean; width: number | null; height: number | null; edited: Date | null } | null
}

const BATCH = 250
const sigOf = (f: FileSig | undefined): string | null => (f ? fileSig({ size: f.bytes, mtimeMs: f.mtimeMs }) : null)

/** `catalogue` is read by the caller first, so a malformed list file fails before anything is written. */
export async function indexDataset(
  deps: IndexDeps,
  datasetId: number,
  root: string,
  catalogue: Catalogue,
): Promise<IndexStats> {
  const emit = deps.emit ?? (() => {})
  emit({ phase: 'scan', done: 0, total: 1, message: `Scanning ${root}` })
  const scan = scanDataset(root)
  const existing = deps.images.byName(datasetId)
  const skipped = [...scan.skipped]
  const jobs: Job[] = []
  const seen = new Set<string>()
  for (const img of scan.images) {
    const meta = catalogue.describe(img.name)
    if (!meta) {
      skipped.push(img.rel)
      continue
    }
    seen.add(img.name)
    const job = planJob(img, meta, existing.get(img.name), scan.trimaps.get(img.name), scan.xmls.get(img.name))
    if (job && scan.originals.has(img.name)) job.original = join(root, originalRel(img.name))
    if (job) jobs.push(job)
  }
  emit({ phase: 'scan', done: 1, total: 1, message: `${scan.images.length} images, ${jobs.length} to index` })
  await deps.cache.ensureDirs(datasetId)
  const decoded = await runJobs(deps, datasetId, jobs, emit)
  const gone = [...existing.values()].filter((r) => r.missing === 0 && !seen.has(r.name)).map((r) => r.id)
  deps.images.transaction(() => deps.images.markMissing(gone))
  skipped.sort()
  deps.datasets.markIndexed(datasetId, skipped)
  return { written: jobs.length, decoded, skipped, unreadable: scan.unreadable }
}

/** Null when nothing about the image changed since the last index. */
function planJob(
  img: ScannedImage,
  meta: ImageMeta,
  row: IndexedRow | undefined,
  trimap: FileSig | undefined,
  xml: FileSig | undefined,
): Job | null {
  const decode = !row || row.bytes !== img.bytes || row.mtime_ms !== img.mtimeMs
  const same =
    row !== undefined &&
    !decode &&
    row.missing === 0 &&
    row.file === img.rel &&
    row.breed === meta.breed &&
    row.breed_id === meta.breedId &&
    row.class_id === meta.classId &&
    row.species === meta.species &&
    row.split === meta.split &&
    row.seq === meta.seq &&
    row.trimap_sig === sigOf(trimap) &&
    row.xml_sig === sigOf(xml)
  return same ? null : { img, meta, row, trimap, xml, decode }
}

async function runJobs(
  deps: IndexDeps,
  datasetId: number,
  jobs: Job[],
  emit: (p: DatasetProgress) => void,
): Promise<number> {
  // One libvips thread per image and a few images in flight uses both cores better than the reverse.
  const previous = sharp.concurrency()
  sharp.concurrency(1)
  let pending: JobResult[] = []
  let done = 0
  const report = throttle(150)
  const flush = (): void => {
    writeBatch(deps, datasetId, pending)
    pending = []
  }
  try {
    await runPool(jobs, Math.max(2, cpus().length + 1), (job) => runJob(deps, datasetId, job), (result) => {
      pending.push(result)
      done++
      if (pending.length >= BATCH) flush()
      if (report(done === jobs.length)) {
        emit({ phase: 'index', done, total: jobs.length, message: `Indexed ${done} of ${jobs.length} images` })
      }
    })
    flush()
  } finally {
    sharp.concurrency(previous)
  }
  return jobs.filter((j) => j.decode).length
}

async function runJob(deps: IndexDeps, datasetId: number, job: Job): Promise<JobResult> {
  const { img, row } = job
  const dec: DecodeResult =
    job.decode || !row
      ? await decodeImage(img.abs, deps.cache.thumbPath(datasetId, img.name))
      : { format: row.format, width: row.width, height: row.height, brokenReason: row.broken_reason }
  const problems: string[] = []
  const fp = formatProblem(img.ext, dec.format)
  if (fp) problems.push(fp)
  let trimap: JobResult['trimap'] = null
  if (job.trimap) {
    const check = await checkTrimap(job.trimap.abs, dec.width, dec.height)
    if (check.problem) problems.push(check.problem)
    const usable = check.width !== null
    const edited = usable && job.original && (await differs(job.trimap.abs, job.original)) ? new Date(job.trimap.mtimeMs) : null
    trimap = { rel: job.trimap.rel, usable, width: check.width, height: check.height, edited }
  }
  const headBox = job.xml ? await readHeadBox(job.xml, problems) : null
  const record: ImageRecord = {
    name: img.name,
    file: img.rel,
    ...job.meta,
    ...dec,
    bytes: img.bytes,
    mtimeMs: img.mtimeMs,
    problems,
    headBox,
    xmlSig: sigOf(job.xml),
    trimapSig: sigOf(job.trimap),
    trimapFile: job.trimap?.rel ?? null,
  }
  return { record, trimap }
}

/**
 * A trimap that differs from the kept release copy was edited, even if this database never saw the
 * edit (a new data folder, a deleted database): provenance travels with the dataset.
 */
async function differs(a: string, b: string): Promise<boolean> {
  try {
    const [x, y] = await Promise.all([readFile(a), readFile(b)])
    return !x.equals(y)
  } catch {
    return false
  }
}

async function readHeadBox(xml: FileSig, problems: string[]): Promise<HeadBox | null> {
  try {
    return parseHeadBox(await readFile(xml.abs, 'utf8'), xml.rel)
  } catch (err) {
    problems.push(err instanceof AppError ? `head box: ${err.message}` : `head box unreadable: ${String(err)}`)
    return null
  }
}

function writeBatch(deps: IndexDeps, datasetId: number, results: JobResult[]): void {
  if (results.length === 0) return
  deps.images.transaction(() => {
    for (const { record, trimap } of results) {
      const id = deps.images.upsert(datasetId, record)
      // A file that is no label is no label whoever wrote it: counts, filters and runs all read this table.
      if (trimap && !trimap.usable) deps.labels.removeForFile(id, trimap.rel)
      else if (trimap?.edited) deps.labels.setEditedFound(id, trimap.rel, trimap.width, trimap.height, trimap.edited)
      else if (trimap) deps.labels.setOriginal(id, trimap.rel, trimap.width, trimap.height)
      else deps.labels.removeOriginal(id)
    }
  })
}
