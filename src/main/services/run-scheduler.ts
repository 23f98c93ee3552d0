// The training queue's scheduler, used by RunsService: which run starts next (interrupted runs first,
// then the queue, finetunes waiting on their pretraining), how many at once (the "runs at a time"
// setting and the memory check), the wasm threads each gets, and what happens when a worker ends.
import type { RunConcurrency } from '../../shared/api'
import { AppError } from '../../shared/errors'
import type { RunStatus, RunSummary } from '../../shared/types/runs'
import type { RunRecord, RunsRepo } from '../db/repositories/runs-repo'
import { concurrencyProblem, fitsBeside, threadsPerRun } from './run-concurrency'
import type { ExecStart, Execution } from './run-executor'

export const TERMINAL: readonly RunStatus[] = ['done', 'failed', 'cancelled']

export interface SchedulerDeps {
  repo: RunsRepo
  /** Runs training at once: 1 up to `cores` (else the constructor throws). */
  maxConcurrent: number
  /** Cores to share: the most runs at once, and the wasm threads split between them. */
  cores: number
  /** Bytes the steps of concurrent runs may need together. */
  memoryBytes: number
  /** wasm threads for every worker, whatever runs beside it; unset: the cores shared by the runs. */
  wasmThreads?: number
  /** Starts the run's training worker. */
  execute(rec: RunRecord, start: ExecStart): Execution
  /** Something stored about the run changed (tell the UI, wake its waiters). */
  changed(id: number): void
  /** Ends a run that is not done (and fails the finetunes waiting on it). */
  end(id: number, status: 'failed' | 'cancelled', error: string | null): void
  /** The run's worker ended: forget what lived only while it ran (its progress). */
  released(id: number): void
}

interface Next {
  rec: RunRecord
  resume: boolean
}

interface Current {
  id: number
  exec: Execution
  stop: 'user' | 'close' | null
  settled: Promise<void>
}

export class RunScheduler {
  private readonly running = new Map<number, Current>()
  private idleWaiters: (() => void)[] = []
  private max: number
  private cores: number
  private memoryBytes: number
  private started = false
  private only: Set<number> | null = null
  private closedFlag = false

  constructor(private readonly deps: SchedulerDeps) {
    this.max = checkedMax(deps.maxConcurrent, deps.cores)
    this.cores = deps.cores
    this.memoryBytes = deps.memoryBytes
  }

  get closed(): boolean {
    return this.closedFlag
  }

  concurrency(): RunConcurrency {
    return { max: this.max, limit: this.cores, running: [...this.running.keys()] }
  }

  /** Checks and applies the setting; lowering it lets running runs finish and starts fewer after them. */
  setMax(max: number): RunConcurrency {
    this.max = checkedMax(max, this.cores)
    this.pump()
    return this.concurrency()
  }

  /**
   * Where runs train changed (the worker pool: its live workers instead of this machine's cores, and no
   * local memory budget): new limits, and the setting `max` capped by them.
   */
  setLimits(limits: { cores: number; memoryBytes: number; max: number }): RunConcurrency {
    this.cores = Math.max(1, limits.cores)
    this.memoryBytes = limits.memoryBytes
    this.max = Math.max(1, Math.min(limits.max, this.cores))
    this.pump()
    return this.concurrency()
  }

  /**
   * Marks runs a previous process left running as interrupted (they resume first), then starts the
   * queue. `only` (the CLI): run just these runs and leave the rest, which an app may own, alone.
   */
  start(only?: number[]): void {
    if (this.started || this.closedFlag) return
    this.started = true
    this.only = only ? new Set(only) : null
    if (!this.only) {
      for (const r of this.deps.repo.withStatus('running')) {
        this.deps.repo.setStatus(r.summary.id, 'interrupted')
        this.deps.changed(r.summary.id)
      }
    }
    this.pump()
  }

  /** Asks a run training here to stop; false when it is not running here. */
  stop(id: number): boolean {
    const cur = this.running.get(id)
    if (!cur) return false
    cur.stop = 'user'
    cur.exec.cancel()
    return true
  }

  /** Resolves when nothing runs and nothing runnable is queued. */
  whenIdle(): Promise<void> {
    if (!this.started || this.closedFlag) return Promise.resolve()
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve)
      this.pump()
    })
  }

  /** Cancels running runs and marks them interrupted at once; resolves when their workers have ended. */
  close(): Promise<void> {
    const ended = Promise.all([...this.running.values()].map((c) => c.settled)).then(() => undefined)
    if (this.closedFlag) return ended
    this.closedFlag = true
    for (const cur of this.running.values()) {
      cur.stop = 'close'
      this.deps.repo.setStatus(cur.id, 'interrupted')
      cur.exec.detach()
      cur.exec.cancel()
    }
    return ended
  }

  /**
   * Starts queued runs while fewer than the setting run and their memory fits beside the running ones.
   * Runs starting together are claimed first, so each learns how many share the cores.
   */
  pump(): void {
    if (!this.started || this.closedFlag) return
    const starting: Next[] = []
    while (this.running.size + starting.length < this.max) {
      const next = this.pickNext()
      if (!next) break
      const beside = [...this.running.keys()].map((id) => this.record(id).summary.config)
      beside.push(...starting.map((s) => s.rec.summary.config))
      if (!fitsBeside(beside, next.rec.summary.config, this.memoryBytes)) break
      starting.push(this.claim(next))
    }
    const threads = this.threadsFor(this.running.size + starting.length)
    for (const s of starting) this.launch(s, threads)
    if (this.running.size > 0) return
    const w = this.idleWaiters
    this.idleWaiters = []
    w.forEach((f) => f())
  }

  /** wasm threads (and why) for runs starting while `runsNow` train, these included. */
  private threadsFor(runsNow: number): Pick<ExecStart, 'wasmThreads' | 'threadsNote'> {
    if (this.deps.wasmThreads !== undefined) return { wasmThreads: this.deps.wasmThreads }
    const { cores } = this
    const wasmThreads = threadsPerRun(cores, runsNow)
    return runsNow > 1 ? { wasmThreads, threadsNote: `${cores} cores shared by ${runsNow} runs` } : { wasmThreads }
  }

  /** The next run to start: interrupted ones first (resumed), then the queue; waits on unfinished parents. */
  private pickNext(): Next | null {
    const { repo } = this.deps
    const mine = (r: RunRecord): boolean => !this.only || this.only.has(r.summary.id)
    const interrupted = repo.withStatus('interrupted').find(mine)
    if (interrupted) return { rec: interrupted, resume: true }
    for (const q of repo.queued().filter(mine)) {
      const pid = q.summary.parentRunId
      if (pid === null) return { rec: q, resume: false }
      const parent = repo.get(pid)
      if (parent?.summary.status === 'done') return { rec: q, resume: false }
      if (parent && !TERMINAL.includes(parent.summary.status)) continue
      // Waiting on a cancelled pretraining is not a failure of the finetune: it is cancelled with it.
      this.deps.end(q.summary.id, parent?.summary.status === 'cancelled' ? 'cancelled' : 'failed', parentFailure(pid, parent))
    }
    return null
  }

  /** Marks the run running, so the next pick passes it over. */
  private claim(next: Next): Next {
    const id = next.rec.summary.id
    const startedAt = next.rec.summary.startedAt ?? new Date().toISOString()
    this.deps.repo.setStatus(id, 'running', { startedAt, error: null, finishedAt: null })
    this.deps.changed(id)
    return { rec: this.record(id), resume: next.resume }
  }

  private launch(next: Next, threads: Pick<ExecStart, 'wasmThreads' | 'threadsNote'>): void {
    const id = next.rec.summary.id
    const exec = this.deps.execute(next.rec, { resume: next.resume, ...threads })
    const cur: Current = { id, exec, stop: null, settled: Promise.resolve() }
    cur.settled = exec.done
      .then(
        (d) => this.settle(cur, d.cancelled ? null : d, null),
        (err: unknown) => this.settle(cur, null, err instanceof Error ? err.message : String(err)),
      )
      // Storing the outcome failed (database gone?): report it, never take the process down.
      .catch((err: unknown) => console.error(`runs: could not record the end of run #${id}:`, err))
    this.running.set(id, cur)
  }

  private settle(cur: Current, done: { metrics: RunSummary['metrics'] } | null, error: string | null): void {
    this.running.delete(cur.id)
    this.deps.released(cur.id)
    if (cur.stop === 'close') return
    if (error !== null) this.deps.end(cur.id, 'failed', error)
    else if (done) {
      this.deps.repo.finish(cur.id, { metrics: done.metrics })
      this.deps.changed(cur.id)
    } else this.deps.end(cur.id, 'cancelled', null)
    this.pump()
  }

  private record(id: number): RunRecord {
    const r = this.deps.repo.get(id)
    if (!r) throw new AppError('NOT_FOUND', `No run with id ${id}`)
    return r
  }
}

function checkedMax(max: number, cores: number): number {
  const problem = concurrencyProblem(max, cores)
  if (problem) throw new AppError('BAD_INPUT', problem)
  return max
}

/** Why a finetune cannot run: its pretraining run is gone, failed or was cancelled. */
export function parentFailure(pid: number, parent: RunRecord | null): string {
  if (!parent) return `its pretraining run #${pid} no longer exists`
  const s = parent.summary
  return s.status === 'failed' ? `its pretraining run #${pid} failed: ${s.error ?? 'unknown reason'}` : `its pretraining run #${pid} was ${s.status}`
}
