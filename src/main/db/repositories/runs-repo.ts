// Training runs and their per-epoch records in SQLite: rows in, contract DTOs out. JSON columns
// (config, manifest, metrics, SSL health, backend report) are parsed here and nowhere else.
import type { BackendReport, EpochMetrics, SslHealth } from '../../../shared/training-protocol'
import type { EpochRecord, RunConfig, RunManifest, RunStatus, RunSummary } from '../../../shared/types/runs'
import type { Db } from '../open'

interface RunRow {
  id: number
  name: string
  kind: RunConfig['kind']
  status: RunStatus
  config: string
  dataset_id: number
  parent_run_id: number | null
  backend: string | null
  backend_report: string | null
  manifest: string
  queue_position: number | null
  checkpoint_dir: string | null
  created_at: string
  started_at: string | null
  finished_at: string | null
  error: string | null
  metrics: string | null
  last_loss: number | null
  archived: number
  tags: string
  note: string
  content_hash: string | null
  pool_job: string | null
}

export interface RunRecord {
  summary: Omit<RunSummary, 'progress'>
  manifest: RunManifest
  checkpointDir: string | null
  backendReport: BackendReport | null
  /** The worker pool's job training the run, while one does (the app follows it again after a restart). */
  poolJob: string | null
}

export interface NewRun {
  name: string
  config: RunConfig
  manifest: RunManifest
}

const parse = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T))

/** The run manager's fields, only where set, so a plain run reads as it did before them. */
function userFields(r: RunRow): Pick<RunSummary, 'archived' | 'tags' | 'note'> {
  const tags = JSON.parse(r.tags) as string[]
  return { ...(r.archived ? { archived: true } : {}), ...(tags.length ? { tags } : {}), ...(r.note ? { note: r.note } : {}) }
}

function toRecord(r: RunRow): RunRecord {
  const report = parse<BackendReport>(r.backend_report)
  return {
    summary: {
      id: r.id,
      name: r.name,
      kind: r.kind,
      status: r.status,
      config: JSON.parse(r.config) as RunConfig,
      parentRunId: r.parent_run_id,
      backend: r.backend,
      queuePosition: r.queue_position,
      createdAt: r.created_at,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      metrics: parse<EpochMetrics>(r.metrics),
      lastLoss: r.last_loss,
      error: r.error,
      ...(report?.worker ? { worker: report.worker } : {}),
      ...userFields(r),
    },
    manifest: JSON.parse(r.manifest) as RunManifest,
    checkpointDir: r.checkpoint_dir,
    backendReport: report,
    poolJob: r.pool_job ?? null,
  }
}

export class RunsRepo {
  constructor(private readonly db: Db) {}

  /** Appends a queued run at the end of the queue; returns its id. */
  insert(run: NewRun, now = new Date()): number {
    const row = this.db
      .prepare(
        `INSERT INTO runs (name, kind, status, config, dataset_id, parent_run_id, manifest, queue_position, created_at)
         VALUES (?, ?, 'queued', ?, ?, ?, ?, (SELECT COALESCE(MAX(queue_position) + 1, 0) FROM runs WHERE status = 'queued'), ?)
         RETURNING id`,
      )
      .get(
        run.name, run.config.kind, JSON.stringify(run.config), run.config.datasetId,
        run.config.parentRunId ?? null, JSON.stringify(run.manifest), now.toISOString(),
      ) as { id: number }
    return row.id
  }

  get(id: number): RunRecord | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined
    return row ? toRecord(row) : null
  }

  /** Newest first. */
  list(datasetId?: number): RunRecord[] {
    const rows = (datasetId === undefined
      ? this.db.prepare('SELECT * FROM runs ORDER BY id DESC').all()
      : this.db.prepare('SELECT * FROM runs WHERE dataset_id = ? ORDER BY id DESC').all(datasetId)) as RunRow[]
    return rows.map(toRecord)
  }

  /** Queued runs in queue order. */
  queued(): RunRecord[] {
    const rows = this.db.prepare(`SELECT * FROM runs WHERE status = 'queued' ORDER BY queue_position, id`).all() as RunRow[]
    return rows.map(toRecord)
  }

  withStatus(status: RunStatus): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs WHERE status = ? ORDER BY id').all(status) as RunRow[]).map(toRecord)
  }

  /** Runs that name `parentId` as their parent. */
  children(parentId: number): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs WHERE parent_run_id = ? ORDER BY id').all(parentId) as RunRow[]).map(toRecord)
  }

  setStatus(id: number, status: RunStatus, fields: { error?: string | null; finishedAt?: string | null; startedAt?: string } = {}): void {
    const sets = ['status = @status']
    // A run leaves the queue when it stops being 'queued'; requeueing goes through requeue().
    if (status !== 'queued') sets.push('queue_position = NULL')
    if (fields.error !== undefined) sets.push('error = @error')
    if (fields.finishedAt !== undefined) sets.push('finished_at = @finishedAt')
    if (fields.startedAt !== undefined) sets.push('started_at = @startedAt')
    this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run({ id, status, ...fields })
  }

  /** Back to the end of the queue with its history wiped (retry). */
  requeue(id: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM run_epochs WHERE run_id = ?').run(id)
      this.db
        .prepare(
          `UPDATE runs SET status = 'queued', error = NULL, started_at = NULL, finished_at = NULL, metrics = NULL,
             last_loss = NULL, backend = NULL, backend_report = NULL, pool_job = NULL,
             queue_position = (SELECT COALESCE(MAX(queue_position) + 1, 0) FROM runs WHERE status = 'queued')
           WHERE id = ?`,
        )
        .run(id)
    })()
  }

  setBackend(id: number, report: BackendReport, checkpointDir: string): void {
    this.db.prepare('UPDATE runs SET backend = ?, backend_report = ?, checkpoint_dir = ? WHERE id = ?').run(report.name, JSON.stringify(report), checkpointDir, id)
  }

  setPoolJob(id: number, jobId: string | null): void {
    this.db.prepare('UPDATE runs SET pool_job = ? WHERE id = ?').run(jobId, id)
  }

  /** Records a finished epoch (1-based); a resumed run rewrites an epoch it had not checkpointed. */
  addEpoch(id: number, e: EpochRecord): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT OR REPLACE INTO run_epochs (run_id, epoch, loss, seconds, metrics, health) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, e.epoch, e.loss, e.seconds, e.metrics ? JSON.stringify(e.metrics) : null, e.health ? JSON.stringify(e.health) : null)
      this.db.prepare('UPDATE runs SET last_loss = ?, metrics = COALESCE(?, metrics) WHERE id = ?').run(e.loss, e.metrics ? JSON.stringify(e.metrics) : null, id)
    })()
  }

  /** Drops epochs after `epochsDone` (not covered by the checkpoint a resume starts from). */
  trimEpochs(id: number, epochsDone: number): void {
    this.db.prepare('DELETE FROM run_epochs WHERE run_id = ? AND epoch > ?').run(id, epochsDone)
  }

  /** last_loss stays the last epoch's mean loss (addEpoch); metrics become the final held-out ones. */
  finish(id: number, result: { metrics: EpochMetrics | null }, now = new Date()): void {
    this.db
      .prepare(`UPDATE runs SET status = 'done', queue_position = NULL, finished_at = ?, error = NULL, metrics = COALESCE(?, metrics) WHERE id = ?`)
      .run(now.toISOString(), result.metrics ? JSON.stringify(result.metrics) : null, id)
  }

  epochs(id: number): EpochRecord[] {
    const rows = this.db.prepare('SELECT epoch, loss, seconds, metrics, health FROM run_epochs WHERE run_id = ? ORDER BY epoch').all(id) as {
      epoch: number
      loss: number
      seconds: number
      metrics: string | null
      health: string | null
    }[]
    return rows.map((r) => ({ epoch: r.epoch, loss: r.loss, seconds: r.seconds, metrics: parse<EpochMetrics>(r.metrics), health: parse<SslHealth>(r.health) }))
  }

  /** Sets what the user names and notes about a run (the run manager); fields left out stay. */
  setUserFields(id: number, f: { name?: string; tags?: string[]; note?: string; archived?: boolean }): void {
    const sets: string[] = []
    if (f.name !== undefined) sets.push('name = @name')
    if (f.tags !== undefined) sets.push('tags = @tags')
    if (f.note !== undefined) sets.push('note = @note')
    if (f.archived !== undefined) sets.push('archived = @archived')
    if (!sets.length) return
    const row = { id, name: f.name, tags: JSON.stringify(f.tags ?? []), note: f.note, archived: f.archived ? 1 : 0 }
    this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @id`).run(row)
  }

  setContentHash(id: number, hash: string): void {
    this.db.prepare('UPDATE runs SET content_hash = ? WHERE id = ?').run(hash, id)
  }

  /** Runs that recorded this content hash (imported from a bundle), oldest first. */
  withContentHash(hash: string): RunRecord[] {
    return (this.db.prepare('SELECT * FROM runs WHERE content_hash = ? ORDER BY id').all(hash) as RunRow[]).map(toRecord)
  }

  /** Removes runs with their epochs and predictions (foreign keys cascade), in one transaction. */
  delete(ids: number[]): void {
    const stmt = this.db.prepare('DELETE FROM runs WHERE id = ?')
    this.db.transaction(() => ids.forEach((id) => stmt.run(id)))()
  }

  /** Rewrites the queue order to `ids` (0, 1, 2…). */
  setQueueOrder(ids: number[]): void {
    const stmt = this.db.prepare(`UPDATE runs SET queue_position = ? WHERE id = ? AND status = 'queued'`)
    this.db.transaction(() => ids.forEach((id, i) => stmt.run(i, id)))()
  }
}
