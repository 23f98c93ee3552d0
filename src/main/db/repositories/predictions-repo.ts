// Predicted trimaps of finetune runs in SQLite: one row per (run, image) with its file and scores.
import type { Db } from '../open'

export interface PredictionRow {
  run_id: number
  image_id: number
  file: string
  input_size: number
  confidence: number
  disagreement: number | null
  label_updated_at: string | null
  created_at: string
}

export interface PredictionWrite {
  runId: number
  imageId: number
  file: string
  inputSize: number
  confidence: number
  disagreement: number | null
  labelUpdatedAt: string | null
}

export class PredictionsRepo {
  constructor(private readonly db: Db) {}

  /** Insert or replace (a new prediction by the same run supersedes the old one). */
  upsert(w: PredictionWrite, now = new Date()): void {
    this.db
      .prepare(
        `INSERT INTO predictions (run_id, image_id, file, input_size, confidence, disagreement, label_updated_at, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, image_id) DO UPDATE SET file = excluded.file, input_size = excluded.input_size,
           confidence = excluded.confidence, disagreement = excluded.disagreement,
           label_updated_at = excluded.label_updated_at, created_at = excluded.created_at`,
      )
      .run(w.runId, w.imageId, w.file, w.inputSize, w.confidence, w.disagreement, w.labelUpdatedAt, now.toISOString())
  }

  get(runId: number, imageId: number): PredictionRow | null {
    const row = this.db.prepare('SELECT * FROM predictions WHERE run_id = ? AND image_id = ?').get(runId, imageId)
    return (row as PredictionRow | undefined) ?? null
  }

  /** Every prediction of a run for one dataset's images. */
  forDataset(runId: number, datasetId: number): PredictionRow[] {
    return this.db
      .prepare(
        `SELECT p.* FROM predictions p JOIN images i ON i.id = p.image_id
         WHERE p.run_id = ? AND i.dataset_id = ?`,
      )
      .all(runId, datasetId) as PredictionRow[]
  }

  /** A re-measured disagreement against the label as it is now. */
  setDisagreement(runId: number, imageId: number, disagreement: number | null, labelUpdatedAt: string | null): void {
    this.db
      .prepare('UPDATE predictions SET disagreement = ?, label_updated_at = ? WHERE run_id = ? AND image_id = ?')
      .run(disagreement, labelUpdatedAt, runId, imageId)
  }
}
