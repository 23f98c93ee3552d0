// The queue's scheduler against a real SQLite file with scripted executions in place of training
// workers: how runs started together share the cores between their wasm threads (the core count is
// injected, so the machine does not matter), a fixed thread count, and resuming interrupted runs.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, type Db } from '../../src/main/db/open'
import { RunsRepo } from '../../src/main/db/repositories/runs-repo'
import { threadsPerRun } from '../../src/main/services/run-concurrency'
import type { ExecStart } from '../../src/main/services/run-executor'
import { RunScheduler, type SchedulerDeps } from '../../src/main/services/run-scheduler'
import type { DoneMessage } from '../../src/main/training/host/worker-client'
import type { RunConfig } from '../../src/shared/types/runs'

let dir: string
let db: Db
let repo: RunsRepo
let datasetId: number

interface Started extends ExecStart {
  id: number
  finish(): void
}

const config = (seed: number): RunConfig => ({
  kind: 'finetune', datasetId, method: 'none', labels: { mode: 'count', count: 4 }, frozenEncoder: false, skips: true,
  epochs: 1, batchSize: 4, imageSize: 32, simclrSize: 16, learningRate: 0.01, seed, channels: [4, 8],
})

const queue = (seed: number): number => repo.insert({ name: `run ${seed}`, config: config(seed), manifest: { train: ['a'], eval: [] } })

/** A scheduler whose executions finish when the test says so; `started` lists what it launched. */
function scheduler(over: Partial<SchedulerDeps> = {}): { s: RunScheduler; started: Started[] } {
  const started: Started[] = []
  const s = new RunScheduler({
    repo, maxConcurrent: 2, cores: 2, memoryBytes: Number.MAX_SAFE_INTEGER,
    execute: (rec, start) => {
      let finish = (): void => undefined
      const done = new Promise<DoneMessage>((resolve) => {
        finish = () => resolve({ type: 'done', cancelled: false, epochsDone: 1, steps: 1, lastLoss: 0.5, metrics: null })
      })
      started.push({ id: rec.summary.id, ...start, finish })
      return { cancel: () => undefined, detach: () => undefined, done }
    },
    changed: () => undefined,
    end: (id, status, error) => repo.setStatus(id, status, { error, finishedAt: new Date().toISOString() }),
    released: () => undefined,
    ...over,
  })
  return { s, started }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-sched-'))
  db = openDatabase(join(dir, 'workbench.sqlite'))
  repo = new RunsRepo(db)
  datasetId = Number(db.prepare("INSERT INTO datasets (root, name, opened_at) VALUES ('/pets', 'pets', '2026-01-01') RETURNING id").pluck().get())
})

afterEach(() => {
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('wasm threads of concurrent runs', () => {
  it('shares the cores out, at least one thread each', () => {
    expect([threadsPerRun(2, 1), threadsPerRun(2, 2), threadsPerRun(8, 3), threadsPerRun(2, 3), threadsPerRun(4, 0)]).toEqual([2, 1, 2, 1, 4])
  })

  it('gives two runs starting together on 2 cores one thread each, and says why', async () => {
    const [a, b] = [queue(1), queue(2)]
    const { s, started } = scheduler()
    s.start()
    expect(started.map((x) => [x.id, x.wasmThreads, x.threadsNote])).toEqual([
      [a, 1, '2 cores shared by 2 runs'],
      [b, 1, '2 cores shared by 2 runs'],
    ])
    expect(s.concurrency()).toEqual({ max: 2, limit: 2, running: [a, b] })
    const idle = s.whenIdle()
    started.forEach((x) => x.finish())
    await idle
    expect([repo.get(a)?.summary.status, repo.get(b)?.summary.status]).toEqual(['done', 'done'])
  })

  it('keeps a pool fixed once started: a run alone takes every core, one starting beside it gets its share', async () => {
    const a = queue(3)
    const { s, started } = scheduler({ cores: 4 })
    s.start()
    const b = queue(4)
    s.pump()
    const c = queue(5)
    s.pump()
    expect(started.map((x) => [x.id, x.wasmThreads])).toEqual([[a, 4], [b, 2]])
    expect(repo.get(c)?.summary.status).toBe('queued')
    // When a ends, c starts beside b: two runs on 4 cores.
    const next = started[0]!
    next.finish()
    await new Promise((r) => setImmediate(r))
    expect(started.map((x) => [x.id, x.wasmThreads])).toEqual([[a, 4], [b, 2], [c, 2]])
  })

  it('uses a fixed thread count for every worker when one is set', () => {
    queue(6)
    queue(7)
    const { s, started } = scheduler({ wasmThreads: 3, cores: 2 })
    s.start()
    expect(started.map((x) => [x.wasmThreads, x.threadsNote])).toEqual([[3, undefined], [3, undefined]])
  })

  it('resumes runs a previous process left running, first and sharing the cores', () => {
    const waiting = queue(8)
    const [a, b] = [queue(9), queue(10)]
    for (const id of [a, b]) repo.setStatus(id, 'running', { startedAt: '2026-01-01T00:00:00.000Z' })
    const { s, started } = scheduler()
    s.start()
    expect(started.map((x) => [x.id, x.resume, x.wasmThreads])).toEqual([[a, true, 1], [b, true, 1]])
    expect(repo.get(a)?.summary.startedAt).toBe('2026-01-01T00:00:00.000Z')
    expect(repo.get(waiting)?.summary.status).toBe('queued')
  })

  it('refuses more runs at a time than the injected cores', () => {
    const { s } = scheduler({ cores: 2 })
    expect(() => s.setMax(3)).toThrow(/at most 2 here/)
    expect(s.setMax(1).max).toBe(1)
  })
})
