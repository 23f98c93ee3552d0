// Where runs train — in workers on this machine or on the worker pool behind a Redis — as a setting in
// SQLite (pool:get/set/workers), and the RunsService `execute` that follows it at each run start.
import { Redis } from 'ioredis'
import { AppError } from '../../shared/errors'
import type { BackendReport } from '../../shared/training-protocol'
import type { PoolSetting, PoolWorkerInfo, RunOn } from '../../shared/types/pool'
import type { RunConfig } from '../../shared/types/runs'
import type { Db } from '../db/open'
import type { RunRecord } from '../db/repositories/runs-repo'
import { PoolCoordinator } from '../pool/coordinator'
import type { FetchSource } from '../pool/fetch-source'
import type { Announcement } from '../pool/protocol'
import { maskPassword, redisUrlSchema, safeUrl } from '../pool/redis'
import { type ExecDeps, type ExecStart, type Execution, executeRun } from './run-executor'

const SETTING_KEY = 'pool.runOn'

interface Stored {
  mode: RunOn
  /** With its password: only the main process reads it. */
  redisUrl: string | null
}

export function storedPoolSetting(db: Db): Stored {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(SETTING_KEY) as { value: string } | undefined
  const v = (row ? JSON.parse(row.value) : null) as Partial<Stored> | null
  const redisUrl = typeof v?.redisUrl === 'string' && redisUrlSchema.safeParse(v.redisUrl).success ? v.redisUrl : null
  return { mode: v?.mode === 'pool' && redisUrl ? 'pool' : 'local', redisUrl }
}

export function storePoolSetting(db: Db, s: Stored): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(SETTING_KEY, JSON.stringify(s))
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s (${what})`)), ms)))
  return Promise.race([p, late]).finally(() => clearTimeout(timer))
}

/** Why the Redis at `url` cannot serve as the pool, in words that name its host and never its password. */
function unreachable(url: string, err: unknown): AppError {
  const why = maskPassword(url, err instanceof Error ? err.message : String(err))
  return new AppError('BAD_INPUT', `cannot reach the worker pool's Redis at ${safeUrl(url)}: ${why}`)
}

/** Connects once and PINGs (a wrong password fails here too); throws a BAD_INPUT naming the host. */
export async function checkRedis(url: string, timeoutMs = 3000): Promise<void> {
  const r = redisUrlSchema.safeParse(url)
  if (!r.success) throw new AppError('BAD_INPUT', `the worker pool's Redis URL ${r.error.issues[0]?.message ?? 'is invalid'}`)
  // One try, no queueing: the answer is wanted now, not after a reconnect.
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null })
  // A refused password or an untrusted certificate arrives only as an 'error' event; connect() and
  // PING then just say "Connection is closed.".
  let cause: Error | null = null
  redis.on('error', (err: Error) => (cause ??= err))
  try {
    await withTimeout(redis.connect().then(() => redis.ping()), timeoutMs, 'connect and PING')
  } catch (err) {
    throw unreachable(url, cause ?? err)
  } finally {
    redis.disconnect()
  }
}

const noPool = (): AppError => new AppError('BAD_INPUT', 'this run trains on the worker pool, but no pool is set: connect Run on → worker pool to its Redis first')

export interface PoolLimits {
  cores: number
  memoryBytes: number
}

export interface RunTargetOptions {
  db: Db
  /** The scheduler's limits: the pool's live worker slots (no local memory budget), or null for this machine's. */
  onLimits(limits: PoolLimits | null): void
  /** How often the pool's workers are counted while runs go there (default 5 s, a worker's heartbeat). */
  refreshMs?: number
  /** Lines about the pool (which worker took a run); default console.log. */
  log?: (line: string) => void
}

interface Attached {
  url: string
  coordinator: PoolCoordinator
  /** Runs following a job through it: a replaced coordinator closes once they end. */
  users: number
  retired: boolean
}

/** The setting, the pool coordinator it needs, and the execute RunsService calls at each run start. */
export class RunTarget {
  private setting: Stored
  private attached: Attached | null = null
  private timer: NodeJS.Timeout | null = null
  private slots = -1
  private closed = false
  private fetchSource: FetchSource | null = null

  constructor(private readonly opts: RunTargetOptions) {
    this.setting = storedPoolSetting(opts.db)
  }

  /** Web mode, once its server listens: pool runs queued from now on have their workers fetch their images there, not from Redis. */
  serveImages(source: FetchSource | null): void {
    this.fetchSource = source
  }

  /** Applies the stored setting (call once RunsService exists: it may be told the pool's limits). */
  start(): void {
    this.apply()
  }

  get(): PoolSetting {
    const url = this.setting.redisUrl
    return { mode: this.setting.mode, redisUrl: url ? safeUrl(url) : null, imagesFrom: this.fetchSource?.url ?? null }
  }

  /** Switches where runs that start from now on train; the pool only once its Redis answers. */
  async set(args: { mode: RunOn; redisUrl?: string }): Promise<PoolSetting> {
    const url = args.redisUrl ?? this.setting.redisUrl
    if (args.mode === 'pool') {
      if (!url) throw new AppError('BAD_INPUT', "give the worker pool's Redis URL (redis://host:6379, or rediss:// for TLS)")
      await checkRedis(url)
    }
    this.setting = { mode: args.mode, redisUrl: url }
    storePoolSetting(this.opts.db, this.setting)
    this.apply()
    return this.get()
  }

  /** Trains the run where the setting says now; fits RunsService's `execute` option. */
  readonly execute = (deps: ExecDeps, rec: RunRecord, start: ExecStart): Execution => {
    let a: Attached | null
    try {
      a = this.poolFor(rec)
    } catch (err) {
      // The setting changed after the run was queued: it fails with the reason, the queue goes on.
      const done = Promise.reject(err as Error)
      return { cancel: () => undefined, detach: () => undefined, done }
    }
    if (!a) return executeRun(deps, rec, start)
    a.users += 1
    const exec = a.coordinator.execute(deps, rec, start)
    exec.done.catch(() => undefined).finally(() => this.release(a))
    return exec
  }

  /** The backend a plan shows: the pool's for a run going there, else null (this machine's). */
  readonly planBackend = (config: RunConfig): BackendReport | null => {
    if (config.runOn === 'pool' && !this.setting.redisUrl) throw noPool()
    const url = this.poolUrlOf(config)
    return url ? PoolCoordinator.planBackend(url, config.backend) : null
  }

  /** Drops the pool job of a run the app stops following (cancelled, retried or deleted while interrupted). */
  readonly abandon = (rec: RunRecord): void => {
    const url = this.setting.redisUrl
    if (!rec.poolJob || !url || this.closed) return
    const own = this.attached?.url === url ? null : new PoolCoordinator({ redisUrl: url, log: this.opts.log })
    const coordinator = own ?? this.attached!.coordinator
    void coordinator.forget(rec.poolJob).finally(() => own?.close())
  }

  /** The pool's live workers; [] while runs train on this machine. */
  async workers(): Promise<PoolWorkerInfo[]> {
    const a = this.attached
    if (!a) return []
    let listed: Announcement[]
    try {
      listed = await withTimeout(a.coordinator.workers(), 3000, 'listing the workers')
    } catch (err) {
      throw unreachable(a.url, err)
    }
    this.count(a, listed)
    return listed
      .map((w) => ({
        id: w.id, host: w.host, backend: w.backend, backendThreads: w.backendThreads, adapter: w.adapter ?? null,
        freeMemoryBytes: w.freeMemoryBytes, totalMemoryBytes: w.totalMemoryBytes, concurrency: w.concurrency, running: w.running, seenAt: w.seenAt,
      }))
      .sort((x, y) => x.id.localeCompare(y.id))
  }

  async close(): Promise<void> {
    this.closed = true
    this.watch(false)
    const a = this.attached
    this.attached = null
    if (a) await a.coordinator.close()
  }

  /** The pool a run trains on (its own choice, else the setting), or null for this machine. */
  private poolUrlOf(config: RunConfig): string | null {
    const where = config.runOn ?? this.setting.mode
    return where === 'pool' ? this.setting.redisUrl : null
  }

  /**
   * The coordinator a run trains through, or null to train here. A run whose pool job outlived the app
   * finishes on the pool whatever the setting says now (training it here too would train it twice);
   * a run that chose the pool while the setting says this machine gets a coordinator of its own.
   */
  private poolFor(rec: RunRecord): Attached | null {
    const cfg = rec.summary.config
    const url = rec.poolJob ? this.setting.redisUrl : this.poolUrlOf(cfg)
    if (cfg.runOn === 'pool' && !url) throw noPool()
    if (!url || this.closed) return null
    if (this.attached?.url === url) return this.attached
    return { url, coordinator: new PoolCoordinator({ redisUrl: url, log: this.opts.log, fetch: () => this.fetchSource }), users: 0, retired: true }
  }

  private apply(): void {
    if (this.closed) return
    const url = this.setting.mode === 'pool' ? this.setting.redisUrl : null
    if (this.attached && this.attached.url !== url) this.retire(this.attached)
    if (url && !this.attached) {
      this.attached = { url, coordinator: new PoolCoordinator({ redisUrl: url, log: this.opts.log, fetch: () => this.fetchSource }), users: 0, retired: false }
      this.slots = -1
      // Until the first count answers, one run at a time goes to the pool.
      this.opts.onLimits({ cores: 1, memoryBytes: Number.MAX_SAFE_INTEGER })
    }
    if (!url) this.opts.onLimits(null)
    this.watch(url !== null)
  }

  /** Counts the pool's worker slots now and then, so the scheduler starts as many runs as they can take. */
  private watch(on: boolean): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    if (!on) return
    const tick = (): void => void this.workers().catch(() => undefined)
    this.timer = setInterval(tick, this.opts.refreshMs ?? 5000)
    this.timer.unref()
    tick()
  }

  private count(a: Attached, listed: Announcement[]): void {
    const slots = listed.reduce((n, w) => n + w.concurrency, 0)
    if (a !== this.attached || slots === this.slots || this.closed) return
    this.slots = slots
    this.opts.onLimits({ cores: Math.max(1, slots), memoryBytes: Number.MAX_SAFE_INTEGER })
  }

  private retire(a: Attached): void {
    a.retired = true
    this.attached = null
    if (a.users === 0) void a.coordinator.close()
  }

  private release(a: Attached): void {
    a.users -= 1
    if (a.retired && a.users === 0) void a.coordinator.close()
  }
}
