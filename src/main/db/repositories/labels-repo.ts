// Each image's current label (trimap file) and where it came from: the release, the editor, a model.
import type Database from 'better-sqlite3'
import type { Db } from '../open'
import type { LabelSource } from '../../../shared/types/dataset'

export interface LabelRow {
  image_id: number
  source: LabelSource
  file: string
  width: number | null
  height: number | null
  updated_at: string
  updated_by: string | null
}

export interface LabelWrite {
  imageId: number
  source: LabelSource
  file: string
  width: number | null
  height: number | null
  updatedBy?: string | null
}

export class LabelsRepo {
  private readonly originalStmt: Database.Statement
  private readonly removeOriginalStmt: Database.Statement
  private readonly editedFoundStmt: Database.Statement
  private readonly removeForFileStmt: Database.Statement

  constructor(private readonly db: Db) {
    // Prepared once: the indexer calls these for every image.
    this.originalStmt = db.prepare(
      `INSERT INTO labels (image_id, source, file, width, height, updated_at, updated_by)
       VALUES (?, 'original', ?, ?, ?, ?, 'dataset')
       ON CONFLICT (image_id) DO UPDATE SET file = excluded.file, width = excluded.width,
         height = excluded.height, updated_at = excluded.updated_at
       WHERE labels.source = 'original'`,
    )
    this.removeOriginalStmt = db.prepare("DELETE FROM labels WHERE image_id = ? AND source = 'original'")
    this.removeForFileStmt = db.prepare("DELETE FROM labels WHERE image_id = ? AND (source = 'original' OR file = ?)")
    this.editedFoundStmt = db.prepare(
      `INSERT INTO labels (image_id, source, file, width, height, updated_at, updated_by)
       VALUES (?, 'edited', ?, ?, ?, ?, NULL)
       ON CONFLICT (image_id) DO UPDATE SET source = 'edited', file = excluded.file, width = excluded.width,
         height = excluded.height, updated_at = excluded.updated_at, updated_by = NULL
       WHERE labels.source = 'original'`,
    )
  }

  get(imageId: number): LabelRow | null {
    return (this.db.prepare('SELECT * FROM labels WHERE image_id = ?').get(imageId) as LabelRow | undefined) ?? null
  }

  /** Write (or replace) an image's label; the editor and prediction use this. */
  set(w: LabelWrite, now = new Date()): void {
    this.db
      .prepare(
        `INSERT INTO labels (image_id, source, file, width, height, updated_at, updated_by)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (image_id) DO UPDATE SET source = excluded.source, file = excluded.file,
           width = excluded.width, height = excluded.height,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(w.imageId, w.source, w.file, w.width, w.height, now.toISOString(), w.updatedBy ?? null)
  }

  /**
   * Record the release's trimap, unless the user (or a model) already replaced it: re-indexing must
   * never overwrite an edited or predicted label.
   */
  setOriginal(imageId: number, file: string, width: number | null, height: number | null, now = new Date()): void {
    this.originalStmt.run(imageId, file, width, height, now.toISOString())
  }

  /** The image has no usable label any more (whatever its source). */
  remove(imageId: number): void {
    this.db.prepare('DELETE FROM labels WHERE image_id = ?').run(imageId)
  }

  /**
   * The indexer found a trimap that differs from the release copy the app kept: it was edited, by
   * whom this database does not know (`at`: the file's mtime). An edited or predicted row is kept.
   */
  setEditedFound(imageId: number, file: string, width: number | null, height: number | null, at: Date): void {
    this.editedFoundStmt.run(imageId, file, width, height, at.toISOString())
  }

  /**
   * The trimap file `file` is not a usable label (undecodable, bad values): drop the label that is
   * that file, whatever its source, and any 'original' one. The file itself stays on disk.
   */
  removeForFile(imageId: number, file: string): void {
    this.removeForFileStmt.run(imageId, file)
  }

  /** The release's trimap vanished: drop the 'original' label only. */
  removeOriginal(imageId: number): void {
    this.removeOriginalStmt.run(imageId)
  }
}
