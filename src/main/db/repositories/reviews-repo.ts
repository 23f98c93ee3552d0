// Each image's review (accepted / needs review / rejected, a note, who and when): one row per image,
// none while nobody reviewed it. The browser reads it joined into the image rows (images-repo).
import type { Db } from '../open'
import type { ImageReview, ReviewState } from '../../../shared/types/dataset'

interface ReviewRow {
  state: ReviewState
  note: string
  updated_at: string
  updated_by: string | null
}

export interface ReviewWrite {
  imageId: number
  state: ReviewState
  note: string
  updatedBy: string | null
}

export class ReviewsRepo {
  constructor(private readonly db: Db) {}

  get(imageId: number): ImageReview | null {
    const row = this.db
      .prepare('SELECT state, note, updated_at, updated_by FROM image_reviews WHERE image_id = ?')
      .get(imageId) as ReviewRow | undefined
    return row ? toReview(row) : null
  }

  /** Write (or replace) an image's review. */
  set(w: ReviewWrite, now = new Date()): void {
    this.db
      .prepare(
        `INSERT INTO image_reviews (image_id, state, note, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (image_id) DO UPDATE SET state = excluded.state, note = excluded.note,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(w.imageId, w.state, w.note, now.toISOString(), w.updatedBy)
  }

  /** The image is no longer reviewed. */
  remove(imageId: number): void {
    this.db.prepare('DELETE FROM image_reviews WHERE image_id = ?').run(imageId)
  }
}

export function toReview(r: ReviewRow): ImageReview {
  return { state: r.state, note: r.note, updatedAt: r.updated_at, updatedBy: r.updated_by }
}
