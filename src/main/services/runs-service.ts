// The runs service behind the contract's runs: calls: plans and queues training runs, has them trained
// in workers (run-scheduler.ts decides which and how many at once), and keeps everything in SQLite so
// the queue survives a restart.
import { renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { RunConcurrency } from '../../shared/api'
import { AppError } from '../../shared/errors'
import type { BackendReport, EpochMetrics } from '../../shared/training-protocol'
import type { EpochRecord, RunConfig, RunDeletePlan, RunDetail, RunPlan, RunProgress, RunSummary } from '../../shared/types/runs'
import type { Db } from '../db/open'
import { type NewRun, type RunRecord, RunsRepo } from '../db/repositories/runs-repo'
import type { Emit } from '../events'
import { checkpointFolders } from '../training/checkpoint-folder'
import { probeBackend, type WorkerOptions } from '../training/worker-client'
import type { DatasetService } from './dataset-service'
import { RunAdmin, type RunUserFields } from './run-admin'
import { concurrencyLimit, defaultConcurrentMemory, storedMaxConcurrent, storeMaxConcurrent } from './run-concurrency'
import { checkpointDirOf, type ExecDeps, type ExecStart, type Execution, executeRun } from './run-executor'
import { channelsOf, planRun, type Planned } from './run-plan'
import { runName, samePretrainConfig } from './run-names'
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
  /** Predicted trimaps, removed with their run (default: `predictions` beside runsDir). */
  predictionsDir?: string
}

/** A finished run trained elsewhere (an imported bundle), with its checkpoint ready in a folder. */
export interface AdoptedRun extends NewRun {
  createdAt: Date
  startedAt: string | null
  finishedAt: Date
  backend: string
  epochs: EpochRecord[]
  metrics: EpochMetrics | null
  /** A checkpoint folder on the runs folder's file system: moved into place, so gone afterwards. */
  checkpoint: string
  /** The bundle's content hash: an import of a run already here is refused. */
  contentHash?: string
}

type PipelineArgs = { pretrain: RunConfig | null; reusePretrainRunId?: number; finetune: RunConfig }

// Which backend loads does not change while the process lives: probe once per forced choice.
const backendCache = new Map<string, Promise<BackendReport>>()

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
  async pipeline(args: PipelineArgs): Promise<RunSummary[]> {
    let parentId = args.reusePretrainRunId ?? args.finetune.parentRunId ?? null
    if (args.reusePretrainRunId === undefined && args.pretrain) {
      const pre = await this.planOrThrow({ ...args.pretrain, kind: 'pretrain', parentRunId: null })
      // Check the finetune before queueing anything, as if its parent were already done.
      await this.planOrThrow({ ...args.finetune, kind: 'finetune', method: 'none', parentRunId: null })
      const [a, b] = [channelsOf(pre.config).join(', '), channelsOf(args.finetune).join(', ')]
      if (a !== b) throw new AppError('BAD_INPUT', `the pretrained encoder would not fit the finetune: channels [${a}] vs [${b}]`)
      parentId = this.reusablePretrain(pre.config) ?? this.insert(pre).id
    }
    const fine = await this.planOrThrow({ ...args.finetune, kind: 'finetune', parentRunId: parentId })
    const runs = parentId !== null ? [this.summaryOf(parentId)] : []
    return [...runs, this.insert(fine)]
  }

  /** An identical pretraining run, finished (preferred) or still to finish, so a sweep pretrains once. */
  private reusablePretrain(config: RunConfig): number | null {
    const same = this.repo.list(config.datasetId).filter((r) => r.summary.kind === 'pretrain' && samePretrainConfig(r.summary.config, config))
    const done = same.find((r) => r.summary.status === 'done')
    const pending = same.find((r) => ['queued', 'running', 'interrupted'].includes(r.summary.status))
    return (done ?? pending)?.summary.id ?? null
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
    const deleted = this.admin.delete(this.record(id), withDependents)
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
    const r = this.record(id)
    const status = r.summary.status
    if (status !== 'failed' && status !== 'cancelled' && status !== 'interrupted') {
      throw new AppError('BAD_INPUT', `run #${id} is ${status}; only failed, cancelled or interrupted runs can be retried`)
    }
    const pid = r.summary.parentRunId
    const parent = pid !== null ? this.repo.get(pid) : null
    if (parent && (parent.summary.status === 'failed' || parent.summary.status === 'cancelled')) {
      throw new AppError('BAD_INPUT', `run #${id} finetunes run #${pid}, which ${parent.summary.status === 'failed' ? 'failed' : 'was cancelled'}: retry that one first`)
    }
    for (const d of checkpointFolders(checkpointDirOf(this.opts.runsDir, id))) rmSync(d, { recursive: true, force: true })
    this.repo.requeue(id)
    this.changed(id)
    // Finetunes that failed or were cancelled only because this run was are queued again behind it.
    for (const child of this.repo.children(id)) {
      if (['failed', 'cancelled'].includes(child.summary.status) && child.summary.error?.startsWith(`its pretraining run #${id} `)) {
        this.repo.requeue(child.summary.id)
        this.changed(child.summary.id)
      }
    }
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
    const repo = this.repo
    if (run.contentHash) this.admin.refuseDuplicate(run.contentHash, run.config, run.manifest)
    const id = this.opts.db.transaction(() => {
      const id = repo.insert({ name: run.name, config: run.config, manifest: run.manifest }, run.createdAt)
      if (run.contentHash) repo.setContentHash(id, run.contentHash)
      const dir = checkpointDirOf(this.opts.runsDir, id)
      repo.setBackend(id, { name: run.backend, threads: 0, attempts: [] }, dir)
      for (const e of run.epochs) repo.addEpoch(id, e)
      repo.finish(id, { metrics: run.metrics }, run.finishedAt)
      repo.setStatus(id, 'done', { startedAt: run.startedAt ?? undefined })
      rmSync(dir, { recursive: true, force: true })
      renameSync(run.checkpoint, dir)
      return id
    })()
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

  private async planned(config: RunConfig): Promise<Planned> {
    return planRun({ datasets: this.opts.datasets, repo: this.repo, backend: (force) => this.backend(force) }, config)
  }

  private async planOrThrow(config: RunConfig): Promise<Planned> {
    const p = await this.planned(config)
    if (!p.plan.ok) throw new AppError('BAD_INPUT', `cannot start this ${config.kind} run: ${p.plan.problems.join('; ')}`)
    return p
  }

  private backend(force?: RunConfig['backend']): Promise<BackendReport> {
    const key = force ?? 'auto'
    let p = backendCache.get(key)
    if (!p) {
      p = probeBackend({ backend: force, wasmThreads: this.opts.wasmThreads }, this.opts.worker)
      backendCache.set(key, p)
      p.catch(() => backendCache.delete(key))
    }
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
      onBackend: (force, report) => backendCache.set(force ?? 'auto', Promise.resolve(report)),
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
