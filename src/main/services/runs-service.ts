// The runs service behind the contract's runs: calls, the queue's face: plans and queues training runs,
// has them trained in workers (run-scheduler.ts decides which and how many at once), and keeps everything
// in SQLite so the queue survives a restart. The work behind a call lives beside it: run-pipeline.ts,
// run-batch.ts, run-retry.ts, run-adopt.ts, run-admin.ts, run-backends.ts (probes), run-plan.ts.
import { dirname, join } from 'node:path'
import type { RunConcurrency } from '../../shared/api'
import type { BatchPlan, PipelineArgs } from '../../shared/run-batch'
import { AppError } from '../../shared/errors'
import type { BackendReport } from '../../shared/training-protocol'
import type { RunConfig, RunDeletePlan, RunDetail, RunPlan, RunProgress, RunSummary } from '../../shared/types/runs'
import type { Db } from '../db/open'
import { type RunRecord, RunsRepo } from '../db/repositories/runs-repo'
import type { Emit } from '../events'
import type { WorkerOptions } from '../training/host/worker-client'
import type { DatasetService } from './dataset-service'
import { type AdoptedRun, adoptRun } from './run-adopt'
import { RunAdmin, type RunUserFields } from './run-admin'
import { probedBackend, rememberBackend } from './run-backends'
import { type BatchDeps, planBatch, queueBatch } from './run-batch'
import { concurrencyLimit, defaultConcurrentMemory, storedMaxConcurrent, storeMaxConcurrent } from './run-concurrency'
import { type ExecDeps, type ExecStart, type Execution, executeRun } from './run-executor'
import { queuePipeline, reusablePretrain } from './run-pipeline'
import { planRun, type Planned } from './run-plan'
import { runName } from './run-names'
import { requeueRun } from './run-retry'
import { parentFailure, RunScheduler, TERMINAL } from './run-scheduler'

export interface RunsServiceOptions {
  db: Db
  datasets: DatasetService
  /** Checkpoints go to <runsDir>/<run id>/. */
  runsDir: string
  emit: Emit
  /** wasm threads for every training worker (default: the cores shared by the runs training at once). */
  wasmThreads?: number
  /** Cores of this machine (default: os.availableParallelism()): the most runs at a time, and the threads they share. */
  cores?: number
  worker?: WorkerOptions
  /** Least milliseconds between two 'runs:progress' events of a run (default 250: ≤ 4/s). */
  progressIntervalMs?: number
  /** Runs training at once for this service only (default: the stored setting, else 1); see setMaxConcurrent. */
  maxConcurrent?: number
  /** Bytes the steps of concurrent runs may need together (default: 60 % of the RAM). */
  concurrentMemoryBytes?: number
  /** Trains a run somewhere else than in a local worker, chosen at each run start (pool-setting.ts's RunTarget). */
  execute?: (deps: ExecDeps, rec: RunRecord, start: ExecStart) => Execution
  /**
   * The backend a plan shows when runs train somewhere else (the pool: each worker checks its own);
   * null: this machine's, probed here.
   */
  planBackend?: (config: RunConfig) => BackendReport | null
  /**
   * A run that ends here while a pool job may still train it (cancelled, retried or deleted after the
   * app was closed mid-run): the pool drops that job, so no worker trains a run nobody follows.
   */
  abandon?: (rec: RunRecord) => void
  /** Predicted trimaps, removed with their run (default: `predictions` beside runsDir). */
  predictionsDir?: string
}

export type { AdoptedRun }

export class RunsService {
  readonly repo: RunsRepo
  private readonly progress = new Map<number, RunProgress>()
  private readonly waiters = new Map<number, ((s: RunSummary) => void)[]>()
  private readonly scheduler: RunScheduler
  private readonly admin: RunAdmin

  constructor(private readonly opts: RunsServiceOptions) {
    this.repo = new RunsRepo(opts.db)
    const predictionsDir = opts.predictionsDir ?? join(dirname(opts.runsDir), 'predictions')
    this.admin = new RunAdmin({ repo: this.repo, runsDir: opts.runsDir, predictionsDir })
    const cores = opts.cores ?? concurrencyLimit()
    this.scheduler = new RunScheduler({
      repo: this.repo,
      maxConcurrent: opts.maxConcurrent ?? storedMaxConcurrent(opts.db, cores),
      cores,
      memoryBytes: opts.concurrentMemoryBytes ?? defaultConcurrentMemory(),
      wasmThreads: opts.wasmThreads,
      execute: (rec, start) => (opts.execute ?? executeRun)(this.execDeps(), rec, start),
      changed: (id) => this.changed(id),
      end: (id, status, error) => this.end(id, status, error),
      released: (id) => this.progress.delete(id),
    })
  }

  /** How many runs may train at once, the most allowed here, and the runs training now. */
  concurrency(): RunConcurrency {
    return this.scheduler.concurrency()
  }

  /**
   * Lets up to `max` runs train at once. A further run starts only while the estimated memory of all
   * running steps together fits; lowering it lets running runs finish and starts fewer after them.
   * Stored, so it holds after a restart (and for the CLI).
   */
  setMaxConcurrent(max: number): RunConcurrency {
    const c = this.scheduler.setMax(max)
    storeMaxConcurrent(this.opts.db, max)
    return c
  }

  /**
   * Where runs train now: the worker pool's limits (its live workers' slots, no local memory budget),
   * or null for this machine's cores and RAM. The stored "runs at a time" is capped by them.
   */
  setLimits(limits: { cores: number; memoryBytes: number } | null): RunConcurrency {
    const cores = limits?.cores ?? this.opts.cores ?? concurrencyLimit()
    const memoryBytes = limits?.memoryBytes ?? this.opts.concurrentMemoryBytes ?? defaultConcurrentMemory()
    return this.scheduler.setLimits({ cores, memoryBytes, max: this.opts.maxConcurrent ?? storedMaxConcurrent(this.opts.db, cores) })
  }

  /**
   * Marks runs a previous process left running as interrupted (they resume first), then starts the
   * queue. `only` (the CLI): run just these runs and leave the rest, which an app may own, alone.
   */
  start(opts: { only?: number[] } = {}): void {
    this.scheduler.start(opts.only)
  }

  async plan(config: RunConfig): Promise<RunPlan> {
    return (await this.planned(config)).plan
  }

  async enqueue(config: RunConfig): Promise<RunSummary> {
    return this.insert(await this.planOrThrow(config))
  }

  /** Pretrain (or reuse a pretraining run), then finetune from its encoder once it is done. */
  pipeline(args: PipelineArgs): Promise<RunSummary[]> {
    return queuePipeline({ repo: this.repo, planOrThrow: (c) => this.planOrThrow(c), insert: (p) => this.insert(p), summary: (id) => this.summaryOf(id) }, args)
  }

  /** What queueing these pipelines would do: pretrainings shared or reused, refusals (run-batch.ts). */
  planMany(items: PipelineArgs[]): Promise<BatchPlan> {
    return planBatch(this.batchDeps(), items)
  }

  /** Queue all these pipelines, or none when any is refused (run-batch.ts). */
  queueMany(items: PipelineArgs[]): Promise<RunSummary[]> {
    return queueBatch(this.batchDeps(), items)
  }

  private batchDeps(): BatchDeps {
    return {
      db: this.opts.db, repo: this.repo, plan: (c) => this.planned(c), reusable: (c) => reusablePretrain(this.repo, c),
      summary: (id) => this.summaryOf(id), closed: () => this.scheduler.closed,
      inserted: (ids) => {
        ids.forEach((id) => this.changed(id))
        this.scheduler.pump()
      },
    }
  }

  /** Newest first; archived runs only with includeArchived. */
  list(datasetId?: number, opts: { includeArchived?: boolean } = {}): RunSummary[] {
    return this.admin.visible(this.repo.list(datasetId), opts.includeArchived === true).map((r) => this.summary(r))
  }

  /** Rename, tag, note, archive or unarchive a run (run-admin.ts). */
  update(id: number, fields: RunUserFields): RunSummary {
    this.admin.update(this.record(id), fields)
    this.changed(id)
    return this.summaryOf(id)
  }

  /** What deleting the run would remove, or why it cannot be deleted. */
  deletePlan(id: number): RunDeletePlan {
    return this.admin.deletePlan(this.record(id))
  }

  /** Deletes a run with its files (and its finetunes, with withDependents); returns the ids removed. */
  delete(id: number, withDependents = false): { deleted: number[] } {
    const held = [this.record(id), ...this.repo.children(id)].filter((r) => r.poolJob)
    const deleted = this.admin.delete(this.record(id), withDependents)
    for (const r of held) if (deleted.includes(r.summary.id)) this.opts.abandon?.(r)
    for (const d of deleted) this.progress.delete(d)
    this.opts.emit('runs:deleted', { ids: deleted })
    return { deleted }
  }

  get(id: number): RunDetail {
    const r = this.record(id)
    return { ...this.summary(r), epochs: this.repo.epochs(id), manifest: r.manifest, backendReport: r.backendReport, checkpointDir: r.checkpointDir }
  }

  cancel(id: number): RunSummary {
    const r = this.record(id)
    const status = r.summary.status
    // A run training here stops after its current step; the scheduler then records it as cancelled.
    if (this.scheduler.stop(id)) return this.summaryOf(id)
    if (status === 'queued' || status === 'interrupted') {
      this.abandonPoolJob(r)
      this.end(id, 'cancelled', null)
    } else if (status === 'running') {
      throw new AppError('UNSUPPORTED', `run #${id} is running in another process (the CLI?): stop it there`)
    } else if (status !== 'cancelled') {
      throw new AppError('BAD_INPUT', `run #${id} is ${status}; only queued or running runs can be cancelled`)
    }
    return this.summaryOf(id)
  }

  /** Queues a failed, cancelled or interrupted run again, from scratch with the same manifest. */
  retry(id: number): RunSummary {
    this.abandonPoolJob(this.record(id))
    for (const queued of requeueRun({ repo: this.repo, runsDir: this.opts.runsDir }, this.record(id))) this.changed(queued)
    this.scheduler.pump()
    return this.summaryOf(id)
  }

  reorder(id: number, position: number): RunSummary[] {
    const r = this.record(id)
    if (r.summary.status !== 'queued') throw new AppError('BAD_INPUT', `run #${id} is ${r.summary.status}; only queued runs can be moved`)
    const ids = this.repo.queued().map((q) => q.summary.id).filter((q) => q !== id)
    ids.splice(Math.min(position, ids.length), 0, id)
    this.repo.setQueueOrder(ids)
    const queued = this.repo.queued().map((q) => this.summary(q))
    for (const s of queued) this.opts.emit('runs:changed', s)
    return queued
  }

  /** Adds a finished run trained elsewhere: row, epochs and checkpoint in one transaction, or nothing. */
  adopt(run: AdoptedRun): RunSummary {
    const id = adoptRun({ db: this.opts.db, repo: this.repo, runsDir: this.opts.runsDir, admin: this.admin }, run)
    this.changed(id)
    return this.summaryOf(id)
  }

  /** Resolves when the run reaches done, failed or cancelled. */
  waitFor(id: number): Promise<RunSummary> {
    const s = this.summaryOf(id)
    if (TERMINAL.includes(s.status)) return Promise.resolve(s)
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]))
  }

  /** Resolves when nothing runs and nothing runnable is queued. */
  whenIdle(): Promise<void> {
    return this.scheduler.whenIdle()
  }

  /**
   * Stops the queue. Running runs are cancelled in their workers and marked interrupted at once, so a
   * restart resumes them from their last checkpoints; the promise resolves when the workers have ended.
   */
  close(): Promise<void> {
    return this.scheduler.close()
  }

  private abandonPoolJob(r: RunRecord): void {
    if (!r.poolJob) return
    this.opts.abandon?.(r)
    this.repo.setPoolJob(r.summary.id, null)
  }

  private async planned(config: RunConfig): Promise<Planned> {
    const backend = async (force: RunConfig['backend']): Promise<BackendReport> =>
      this.opts.planBackend?.(config) ?? probedBackend(force, this.opts.wasmThreads, this.opts.worker)
    return planRun({ datasets: this.opts.datasets, repo: this.repo, backend }, config)
  }

  private async planOrThrow(config: RunConfig): Promise<Planned> {
    const p = await this.planned(config)
    if (!p.plan.ok) throw new AppError('BAD_INPUT', `cannot start this ${config.kind} run: ${p.plan.problems.join('; ')}`)
    return p
  }

  private insert(p: Planned): RunSummary {
    if (this.scheduler.closed) throw new AppError('INTERNAL', 'The runs service is closed')
    const id = this.repo.insert({ name: runName(p.config, p.plan.trainCount), config: p.config, manifest: p.manifest })
    this.changed(id)
    this.scheduler.pump()
    return this.summaryOf(id)
  }

  /** Ends a run that is not done; a finetune waiting on it ends too (cancelled with it, else failed), saying why. */
  private end(id: number, status: 'failed' | 'cancelled', error: string | null): void {
    this.repo.setStatus(id, status, { error, finishedAt: new Date().toISOString() })
    this.changed(id)
    for (const child of this.repo.children(id)) {
      if (child.summary.status === 'queued') this.end(child.summary.id, status, parentFailure(id, this.repo.get(id)))
    }
  }

  private execDeps(): ExecDeps {
    return {
      datasets: this.opts.datasets,
      repo: this.repo,
      runsDir: this.opts.runsDir,
      worker: this.opts.worker,
      progressIntervalMs: this.opts.progressIntervalMs ?? 250,
      onProgress: (runId, progress, lossPoint) => {
        this.progress.set(runId, progress)
        this.opts.emit('runs:progress', { runId, progress, lossPoint })
      },
      onChanged: (runId) => this.changed(runId),
      onBackend: rememberBackend,
    }
  }

  private changed(id: number): void {
    const s = this.summaryOf(id)
    this.opts.emit('runs:changed', s)
    if (TERMINAL.includes(s.status)) {
      const w = this.waiters.get(id) ?? []
      this.waiters.delete(id)
      w.forEach((f) => f(s))
    }
  }

  private record(id: number): RunRecord {
    const r = this.repo.get(id)
    if (!r) throw new AppError('NOT_FOUND', `No run with id ${id}`)
    return r
  }

  private summary(r: RunRecord): RunSummary {
    return { ...r.summary, progress: this.progress.get(r.summary.id) ?? null }
  }

  private summaryOf(id: number): RunSummary {
    return this.summary(this.record(id))
  }
}
