// The dataset service behind the contract's datasets:/images:/labels: calls: open or import a dataset,
// index it, and answer the browser's queries. Plain Node, no electron, so tests and web mode use it as is.
import { existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { isAbsolute, join, resolve } from 'node:path'
import { trimapDataProblem, type ImageQueryArgs, type MediaKind } from '../../shared/api'
import { AppError } from '../../shared/errors'
import type { Trimap } from '../../shared/trimap'
import type {
  BrokenFile,
  DatasetInfo,
  DatasetProgress,
  FacetCounts,
  ImageDetail,
  ImageSummary,
  IndexSummary,
} from '../../shared/types/dataset'
import { extractArchive, detectArchive } from '../dataset/archive'
import { readCatalogue } from '../dataset/catalogue'
import { generateDemo } from '../dataset/demo/generate'
import { browserImage, decodeTrimap, ImageCache, type MediaBytes } from '../dataset/image-cache'
import { sharpMessage } from '../dataset/decode'
import { indexDataset } from '../dataset/indexer'
import { checkLayout, LIST_FILE } from '../dataset/scan'
import { datasetName } from '../dataset/dataset-name'
import { fileSig } from '../dataset/file-sig'
import { ORIGINALS_DIR, originalRel, removeStaleTemps, TRIMAPS_DIR } from '../dataset/trimap-file'
import { Serial } from '../serial'
import { DatasetsRepo } from '../db/repositories/datasets-repo'
import { facetCounts, listImages } from '../db/repositories/image-query'
import { ImagesRepo, toDetail, type ImageRowWithLabel } from '../db/repositories/images-repo'
import { type LabelRow, LabelsRepo, type LabelWrite } from '../db/repositories/labels-repo'
import type { Db } from '../db/open'

export interface DatasetServiceOptions {
  db: Db
  cacheDir: string
  demoDir: string
  emit?: (progress: DatasetProgress) => void
}

/** Where an image's files are: its dataset's folder, the image file relative to it, and its size. */
export interface ImageFiles {
  datasetId: number
  name: string
  root: string
  file: string
  width: number | null
  height: number | null
  brokenReason: string | null
}

/** A label as recorded for an image: which file, from whom. */
export type LabelRecord = Omit<LabelWrite, 'imageId'>

// Sibling services see datasets through the verbs below, never through the repositories or the cache.
export class DatasetService {
  private readonly cache: ImageCache
  private readonly datasets: DatasetsRepo
  private readonly images: ImagesRepo
  private readonly labels: LabelsRepo
  private readonly db: Db
  private readonly demoDir: string
  private readonly emit: (p: DatasetProgress) => void
  // Opens and imports run one at a time: two indexers on one dataset would race on its rows.
  private readonly opens = new Serial()
  private closed = false

  constructor(opts: DatasetServiceOptions) {
    this.cache = new ImageCache(opts.cacheDir)
    this.datasets = new DatasetsRepo(opts.db)
    this.images = new ImagesRepo(opts.db)
    this.labels = new LabelsRepo(opts.db)
    this.demoDir = resolve(opts.demoDir)
    this.emit = opts.emit ?? (() => {})
    this.db = opts.db
  }

  /** Most recently opened first; `missing` marks one whose folder is gone (moved, unmounted). */
  list(): DatasetInfo[] {
    return this.datasets.list().map((d) => ({ ...d, missing: !existsSync(join(d.root, LIST_FILE)) }))
  }

  current(): DatasetInfo | null {
    return this.datasets.current()
  }

  dataset(id: number): DatasetInfo | null {
    return this.datasets.get(id)
  }

  /** An image's label (its trimap file, its source, who and when), or null when it has none. */
  label(imageId: number): LabelRow | null {
    return this.labels.get(imageId)
  }

  imageFiles(imageId: number): ImageFiles {
    const row = this.row(imageId)
    return {
      datasetId: row.dataset_id, name: row.name, root: this.root(row.dataset_id), file: row.file,
      width: row.width, height: row.height, brokenReason: row.broken_reason,
    }
  }

  /**
   * Records the trimap now on disk for an image — its label (null: none), the file's signature and its
   * problem, so re-indexing sees an unchanged file — and forgets resized copies of the version it
   * replaced. LabelsService, which writes the files, is the only caller besides the indexer.
   */
  recordTrimap(imageId: number, label: LabelRecord | null, trimap: { sig: string | null; problem: string | null; replacedSig: string | null }): void {
    const row = this.row(imageId)
    this.images.transaction(() => {
      if (label) this.labels.set({ imageId, ...label })
      else this.labels.remove(imageId)
      this.images.setTrimapState(imageId, trimap.sig, trimap.problem)
    })
    if (trimap.replacedSig) this.cache.dropResizedTrimaps(row.dataset_id, row.name, trimap.replacedSig)
  }

  open(path: string): Promise<IndexSummary> {
    return this.serial(() => this.openNow(resolve(path)))
  }

  importArchives(archives: string[], dest?: string): Promise<IndexSummary> {
    return this.serial(async () => {
      const started = performance.now()
      if (archives.length === 0) throw new AppError('BAD_INPUT', 'No archive given')
      const files = archives.map((a) => resolve(a))
      for (const f of files) {
        if (!existsSync(f)) throw new AppError('NOT_FOUND', `No such archive: ${f}`)
        if (!statSync(f).isFile()) throw new AppError('BAD_INPUT', `${f} is a folder, not an archive`)
        detectArchive(f)
      }
      const target = dest ? resolve(dest) : resolve(files[0]!, '..')
      for (const f of files) await extractArchive(f, target, this.emit)
      return this.openNow(target, started)
    })
  }

  openDemo(): Promise<IndexSummary> {
    return this.serial(async () => {
      if (!existsSync(join(this.demoDir, LIST_FILE))) {
        await generateDemo({ out: this.demoDir, onProgress: this.emit })
      }
      return this.openNow(this.demoDir)
    })
  }

  listImages(q: ImageQueryArgs): ImageSummary[] {
    this.requireDataset(q.datasetId)
    return listImages(this.db, q)
  }

  facets(q: ImageQueryArgs): FacetCounts {
    this.requireDataset(q.datasetId)
    return facetCounts(this.db, q)
  }

  getImage(id: number): ImageDetail {
    const row = this.row(id)
    const kept = existsSync(join(this.root(row.dataset_id), originalRel(row.name)))
    return toDetail(row, kept || row.label_source === 'original')
  }

  /** The image's current label decoded to class ids, or null when it has none. */
  async getTrimap(imageId: number): Promise<Trimap | null> {
    const file = this.trimapFile(imageId)
    if (!file) return null
    let trimap: Trimap
    try {
      trimap = await decodeTrimap(await readFile(file))
    } catch (err) {
      throw trimapReadError(file, err)
    }
    // Values are not checked here: the editor opens a trimap with bad values behind a warning and a
    // Fix, which is how the user repairs it. Training reads through getResized, which refuses it.
    return trimap
  }

  /** Thumbnail or full image of an indexed image, by id only: no path from a request reaches the disk. */
  async media(kind: MediaKind, imageId: number): Promise<MediaBytes> {
    const row = this.row(imageId)
    if (row.broken_reason) throw new AppError('UNSUPPORTED', `${row.file} cannot be shown: ${row.broken_reason}`)
    const source = this.sourceFile(row)
    if (kind === 'thumb') return this.cache.thumb(row.dataset_id, row.name, source)
    return browserImage(source, row.format)
  }

  /** size×size×3 RGB of an image, for training (cached on disk). */
  async getResized(imageId: number, size: number): Promise<Uint8Array> {
    const row = this.row(imageId)
    if (row.broken_reason) throw new AppError('UNSUPPORTED', `${row.file} cannot be decoded: ${row.broken_reason}`)
    const sig = fileSig({ size: row.bytes, mtimeMs: row.mtime_ms })
    return this.cache.resizedImage(row.dataset_id, row.name, this.sourceFile(row), sig, checkSize(size))
  }

  /** size×size class ids of an image's current label (nearest neighbour), or null without a label. */
  async getResizedTrimap(imageId: number, size: number): Promise<Uint8Array | null> {
    const row = this.row(imageId)
    const file = this.trimapFile(imageId)
    if (!file) return null
    let data: Uint8Array
    try {
      data = await this.cache.resizedTrimap(row.dataset_id, row.name, file, checkSize(size))
    } catch (err) {
      throw err instanceof AppError ? err : trimapReadError(file, err)
    }
    // Nearest-neighbour resizing adds no values, so a bad value here was in the file.
    const bad = trimapDataProblem({ width: size, height: size, data })
    if (bad) throw trimapError(file, `is not a label: ${bad.replace(/ at pixel \(\d+, \d+\)/, '')}`)
    return data
  }

  close(): void {
    this.closed = true
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new AppError('INTERNAL', 'The dataset service is closed'))
    return this.opens.run('dataset', fn)
  }

  /** `started`: when the user's request began (an import counts its extraction too). */
  private async openNow(root: string, started = performance.now()): Promise<IndexSummary> {
    checkLayout(root)
    // Read the list files before touching the database, so a malformed line changes nothing.
    const catalogue = readCatalogue(root)
    const isDemo = root === this.demoDir
    const id = this.datasets.touch(root, datasetName(root, isDemo), isDemo)
    const deps = { datasets: this.datasets, images: this.images, labels: this.labels, cache: this.cache, emit: this.emit }
    // Temp files of saves a killed process left: none of this process's saves is in flight (see removeStaleTemps).
    await sweepTemps(root)
    const stats = await indexDataset(deps, id, root, catalogue)
    return this.summary(id, (performance.now() - started) / 1000, stats.unreadable)
  }

  /** `unreadable`: files this index found but could not read, listed after the broken images and trimaps. */
  private summary(datasetId: number, seconds: number, unreadable: BrokenFile[]): IndexSummary {
    const info = this.requireDataset(datasetId)
    return {
      datasetId,
      root: info.root,
      images: info.imageCount,
      labelled: info.labelledCount,
      splits: info.splits,
      skipped: info.skipped,
      broken: [...this.images.broken(datasetId), ...unreadable],
      seconds: Math.round(seconds * 1000) / 1000,
    }
  }

  private requireDataset(id: number): DatasetInfo {
    const info = this.datasets.get(id)
    if (!info) throw new AppError('NOT_FOUND', `No dataset with id ${id}`)
    return info
  }

  private row(id: number): ImageRowWithLabel {
    const row = this.images.get(id)
    if (!row) throw new AppError('NOT_FOUND', `No image with id ${id}`)
    return row
  }

  private root(datasetId: number): string {
    return this.requireDataset(datasetId).root
  }

  private sourceFile(row: ImageRowWithLabel): string {
    return join(this.root(row.dataset_id), row.file)
  }

  /** Absolute path of an image's current label file, or null. */
  private trimapFile(imageId: number): string | null {
    const row = this.row(imageId)
    const label = this.labels.get(imageId)
    if (!label) return null
    return isAbsolute(label.file) ? label.file : join(this.root(row.dataset_id), label.file)
  }
}

/** IO_ERROR naming the trimap file and what is wrong with it. */
function trimapError(file: string, what: string): AppError {
  return new AppError('IO_ERROR', `The trimap ${file} ${what}`)
}

/** An errno error (ENOENT, EACCES…) comes from reading the file; anything else from the PNG decoder. */
function trimapReadError(file: string, err: unknown): AppError {
  if ((err as NodeJS.ErrnoException).code !== undefined) return trimapError(file, `cannot be read: ${(err as Error).message}`)
  return trimapError(file, `cannot be decoded (damaged or truncated PNG): ${sharpMessage(err)}`)
}

/** The folders trimap saves write temp files into. */
async function sweepTemps(root: string): Promise<void> {
  for (const rel of [TRIMAPS_DIR, ORIGINALS_DIR]) await removeStaleTemps(join(root, rel))
}

function checkSize(size: number): number {
  if (!Number.isInteger(size) || size < 8 || size > 1024) {
    throw new AppError('BAD_INPUT', `resize size must be an integer from 8 to 1024, got ${size}`)
  }
  return size
}
