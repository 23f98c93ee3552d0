// Datasets opened by the user: one row per dataset root, with counts computed from its images.
import type { Db } from '../open'
import type { DatasetInfo, Split } from '../../../shared/types/dataset'

interface DatasetRow {
  id: number
  root: string
  name: string
  is_demo: number
  opened_at: string
  indexed_at: string | null
  skipped: string
}

interface CountRow {
  dataset_id: number
  images: number
  labelled: number
  broken: number
  trainval: number
  test: number
  none: number
}

const COUNTS_SQL = `
SELECT i.dataset_id,
  COUNT(*) AS images,
  COUNT(l.image_id) AS labelled,
  SUM(i.broken_reason IS NOT NULL) AS broken,
  SUM(i.split = 'trainval') AS trainval,
  SUM(i.split = 'test') AS test,
  SUM(i.split = 'none') AS none
FROM images i LEFT JOIN labels l ON l.image_id = i.id
WHERE i.missing = 0`

export class DatasetsRepo {
  constructor(private readonly db: Db) {}

  /** Insert the dataset on first open, or stamp its opened_at and name (its contents may have changed); returns its id. */
  touch(root: string, name: string, isDemo: boolean, now = new Date()): number {
    const row = this.db
      .prepare(
        `INSERT INTO datasets (root, name, is_demo, opened_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (root) DO UPDATE SET opened_at = excluded.opened_at, name = excluded.name,
           is_demo = MAX(datasets.is_demo, excluded.is_demo)
         RETURNING id`,
      )
      .get(root, name, isDemo ? 1 : 0, now.toISOString()) as { id: number }
    return row.id
  }

  markIndexed(id: number, skipped: string[], now = new Date()): void {
    this.db
      .prepare('UPDATE datasets SET indexed_at = ?, skipped = ? WHERE id = ?')
      .run(now.toISOString(), JSON.stringify(skipped), id)
  }

  byRoot(root: string): DatasetInfo | null {
    const row = this.db.prepare('SELECT * FROM datasets WHERE root = ?').get(root) as DatasetRow | undefined
    return row ? this.toInfo(row) : null
  }

  get(id: number): DatasetInfo | null {
    const row = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as DatasetRow | undefined
    return row ? this.toInfo(row) : null
  }

  /** Most recently opened first. */
  list(): DatasetInfo[] {
    const rows = this.db.prepare('SELECT * FROM datasets ORDER BY opened_at DESC, id DESC').all() as DatasetRow[]
    const counts = this.db.prepare(`${COUNTS_SQL} GROUP BY i.dataset_id`).all() as CountRow[]
    const byId = new Map(counts.map((c) => [c.dataset_id, c]))
    return rows.map((r) => toInfo(r, byId.get(r.id)))
  }

  current(): DatasetInfo | null {
    const row = this.db
      .prepare('SELECT * FROM datasets ORDER BY opened_at DESC, id DESC LIMIT 1')
      .get() as DatasetRow | undefined
    return row ? this.toInfo(row) : null
  }

  private toInfo(row: DatasetRow): DatasetInfo {
    const counts = this.db.prepare(`${COUNTS_SQL} AND i.dataset_id = ?`).get(row.id) as CountRow | undefined
    return toInfo(row, counts)
  }
}

function toInfo(row: DatasetRow, c: CountRow | undefined): DatasetInfo {
  const splits: Record<Split, number> = { trainval: c?.trainval ?? 0, test: c?.test ?? 0, none: c?.none ?? 0 }
  return {
    id: row.id,
    root: row.root,
    name: row.name,
    isDemo: row.is_demo === 1,
    openedAt: row.opened_at,
    indexedAt: row.indexed_at,
    imageCount: c?.images ?? 0,
    labelledCount: c?.labelled ?? 0,
    brokenCount: c?.broken ?? 0,
    splits,
    skipped: JSON.parse(row.skipped) as string[],
  }
}
