// Images of a dataset as indexed from disk: batch writes for the indexer, reads for the browser.
import type Database from 'better-sqlite3'
import type { Db } from '../open'
import type {
  BrokenFile,
  HeadBox,
  ImageDetail,
  ImageFormat,
  ImageSummary,
  LabelSource,
  ReviewState,
  Species,
  Split,
} from '../../../shared/types/dataset'
import { toReview } from './reviews-repo'

/** What the indexer knows about one image file; written as one row. */
export interface ImageRecord {
  name: string
  file: string
  breed: string
  breedId: number
  classId: number
  species: Species
  split: Split
  seq: number
  width: number | null
  height: number | null
  format: ImageFormat
  bytes: number
  mtimeMs: number
  brokenReason: string | null
  problems: string[]
  headBox: HeadBox | null
  xmlSig: string | null
  trimapSig: string | null
  /** The trimap file found beside the image (relative to the root), usable or not. */
  trimapFile: string | null
}

export interface ImageRow {
  id: number
  dataset_id: number
  name: string
  file: string
  breed: string
  breed_id: number
  class_id: number
  species: Species
  split: Split
  seq: number
  width: number | null
  height: number | null
  format: ImageFormat
  bytes: number
  mtime_ms: number
  broken_reason: string | null
  problems: string
  head_xmin: number | null
  head_ymin: number | null
  head_xmax: number | null
  head_ymax: number | null
  xml_sig: string | null
  trimap_sig: string | null
  trimap_file: string | null
  missing: number
}

/** The columns the indexer compares on re-open (fewer columns: a faster warm re-open). */
const INDEXED_COLUMNS = `id, name, file, breed, breed_id, class_id, species, split, seq, width, height, format,
  bytes, mtime_ms, broken_reason, xml_sig, trimap_sig, missing`
export type IndexedRow = Omit<
  ImageRow,
  'dataset_id' | 'problems' | 'head_xmin' | 'head_ymin' | 'head_xmax' | 'head_ymax' | 'trimap_file'
>

export type ImageRowWithLabel = ImageRow & {
  label_source: LabelSource | null
  label_updated_at: string | null
  review_state: ReviewState | null
  review_note: string | null
  review_updated_at: string | null
  review_updated_by: string | null
  problem_count: number
}

const UPSERT_SQL = `
INSERT INTO images (dataset_id, name, file, breed, breed_id, class_id, species, split, seq, width, height,
  format, bytes, mtime_ms, broken_reason, problems, head_xmin, head_ymin, head_xmax, head_ymax,
  xml_sig, trimap_sig, trimap_file, missing)
VALUES (@datasetId, @name, @file, @breed, @breedId, @classId, @species, @split, @seq, @width, @height,
  @format, @bytes, @mtimeMs, @brokenReason, @problems, @hx0, @hy0, @hx1, @hy1, @xmlSig, @trimapSig, @trimapFile, 0)
ON CONFLICT (dataset_id, name) DO UPDATE SET file = excluded.file, breed = excluded.breed,
  breed_id = excluded.breed_id, class_id = excluded.class_id, species = excluded.species,
  split = excluded.split, seq = excluded.seq, width = excluded.width, height = excluded.height,
  format = excluded.format, bytes = excluded.bytes, mtime_ms = excluded.mtime_ms,
  broken_reason = excluded.broken_reason, problems = excluded.problems, head_xmin = excluded.head_xmin,
  head_ymin = excluded.head_ymin, head_xmax = excluded.head_xmax, head_ymax = excluded.head_ymax,
  xml_sig = excluded.xml_sig, trimap_sig = excluded.trimap_sig,
  trimap_file = excluded.trimap_file, missing = 0
RETURNING id`

/** The joins every image read goes through: its label and its review (r, absent while not reviewed). */
export const IMAGE_JOINS = `FROM images i LEFT JOIN labels l ON l.image_id = i.id
LEFT JOIN image_reviews r ON r.image_id = i.id`

export const SELECT_WITH_LABEL = `
SELECT i.*, l.source AS label_source, l.updated_at AS label_updated_at, r.state AS review_state,
  r.note AS review_note, r.updated_at AS review_updated_at, r.updated_by AS review_updated_by,
  json_array_length(i.problems) AS problem_count
${IMAGE_JOINS}`

export class ImagesRepo {
  // Prepared once: the indexer upserts thousands of rows and preparing showed up in profiles.
  private readonly upsertStmt: Database.Statement
  private readonly missingStmt: Database.Statement

  constructor(private readonly db: Db) {
    this.upsertStmt = db.prepare(UPSERT_SQL)
    this.missingStmt = db.prepare('UPDATE images SET missing = 1 WHERE id = ?')
  }

  /** Every row of a dataset (missing ones too), keyed by image name: the indexer diffs against it. */
  byName(datasetId: number): Map<string, IndexedRow> {
    const rows = this.db.prepare(`SELECT ${INDEXED_COLUMNS} FROM images WHERE dataset_id = ?`).all(datasetId) as IndexedRow[]
    return new Map(rows.map((r) => [r.name, r]))
  }

  /** Insert or update one image; returns its id. Call inside a transaction when writing many. */
  upsert(datasetId: number, r: ImageRecord): number {
    const b = r.headBox
    const row = this.upsertStmt.get({
      ...r,
      datasetId,
      problems: JSON.stringify(r.problems),
      hx0: b?.xmin ?? null,
      hy0: b?.ymin ?? null,
      hx1: b?.xmax ?? null,
      hy1: b?.ymax ?? null,
    }) as { id: number }
    return row.id
  }

  /**
   * After the app wrote an image's trimap: its new file signature (so re-indexing sees nothing to
   * redo) and its problems with the trimap's ones replaced by `trimapProblem`.
   */
  setTrimapState(id: number, trimapSig: string | null, trimapProblem: string | null): void {
    const row = this.db.prepare('SELECT problems FROM images WHERE id = ?').get(id) as { problems: string } | undefined
    if (!row) return
    const problems = (JSON.parse(row.problems) as string[]).filter((p) => !p.startsWith('trimap '))
    if (trimapProblem) problems.push(trimapProblem)
    this.db
      .prepare('UPDATE images SET trimap_sig = ?, problems = ? WHERE id = ?')
      .run(trimapSig, JSON.stringify(problems), id)
  }

  markMissing(ids: number[]): void {
    for (const id of ids) this.missingStmt.run(id)
  }

  get(id: number): ImageRowWithLabel | null {
    const row = this.db.prepare(`${SELECT_WITH_LABEL} WHERE i.id = ? AND i.missing = 0`).get(id)
    return (row as ImageRowWithLabel | undefined) ?? null
  }

  /** Image files that cannot be decoded, then trimap files that are no label, each with why. */
  broken(datasetId: number): BrokenFile[] {
    const images = this.db
      .prepare(
        `SELECT file, broken_reason AS reason FROM images
         WHERE dataset_id = ? AND missing = 0 AND broken_reason IS NOT NULL ORDER BY class_id, seq, name`,
      )
      .all(datasetId) as BrokenFile[]
    return [...images, ...this.badTrimaps(datasetId)]
  }

  /** A trimap file on disk without a label row: the indexer (or a revert) found it unusable. */
  private badTrimaps(datasetId: number): BrokenFile[] {
    const rows = this.db
      .prepare(
        `SELECT i.trimap_file AS file, i.problems FROM images i LEFT JOIN labels l ON l.image_id = i.id
         WHERE i.dataset_id = ? AND i.missing = 0 AND i.trimap_file IS NOT NULL AND l.image_id IS NULL
         ORDER BY i.class_id, i.seq, i.name`,
      )
      .all(datasetId) as { file: string; problems: string }[]
    return rows.map((r) => {
      const why = (JSON.parse(r.problems) as string[]).find((p) => p.startsWith('trimap '))
      return { file: r.file, reason: why ?? 'trimap is not a usable label' }
    })
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }
}

export function toSummary(r: ImageRowWithLabel): ImageSummary {
  return {
    id: r.id,
    name: r.name,
    breed: r.breed,
    classId: r.class_id,
    species: r.species,
    split: r.split,
    width: r.width,
    height: r.height,
    label: r.label_source,
    broken: r.broken_reason !== null,
    review: r.review_state,
    problemCount: r.problem_count,
  }
}

/** `hasOriginal`: whether the release's trimap is still available (see ImageDetail). */
export function toDetail(r: ImageRowWithLabel, hasOriginal: boolean): ImageDetail {
  const hasBox = r.head_xmin !== null && r.head_ymin !== null && r.head_xmax !== null && r.head_ymax !== null
  return {
    ...toSummary(r),
    datasetId: r.dataset_id,
    file: r.file,
    format: r.format,
    breedId: r.breed_id,
    bytes: r.bytes,
    headBox: hasBox ? { xmin: r.head_xmin!, ymin: r.head_ymin!, xmax: r.head_xmax!, ymax: r.head_ymax! } : null,
    brokenReason: r.broken_reason,
    problems: JSON.parse(r.problems) as string[],
    labelUpdatedAt: r.label_updated_at,
    hasOriginal,
    reviewDetail:
      r.review_state === null
        ? null
        : toReview({ state: r.review_state, note: r.review_note ?? '', updated_at: r.review_updated_at!, updated_by: r.review_updated_by }),
  }
}
