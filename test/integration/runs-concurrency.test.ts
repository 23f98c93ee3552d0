// The queue's "runs at a time" setting against real tiny training workers: one at a time by default,
// more when set (also raised while runs wait), never beyond the memory budget, the cores shared out
// between the wasm threads of runs training together, closing interrupts all. The core count is
// injected (2), so every assertion holds on any machine, a one-core one included.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runStepBytes } from '../../src/main/services/run-concurrency'
import { RunsService, type RunsServiceOptions } from '../../src/main/services/runs-service'
import { useRunsWorld } from './runs-world'

const w = useRunsWorld('wb-conc-')
const CORES = 2
const service = (over: Partial<RunsServiceOptions> = {}): RunsService => {
  const s = w.service({ cores: CORES, ...over })
  s.start()
  return s
}
const tiny = (seed: number) => w.tiny({ seed })

describe('runs at a time', () => {
  it('runs one at a time by default; raising the setting starts the waiting run beside it', async () => {
    const runs = service()
    expect(runs.concurrency()).toEqual({ max: 1, limit: CORES, running: [] })
    const a = await runs.enqueue(tiny(1))
    const b = await runs.enqueue(tiny(2))
    // A worker takes far longer to start than a plan: run a is still training here.
    expect(runs.concurrency().running).toEqual([a.id])
    expect(runs.get(b.id).status).toBe('queued')
    expect(runs.setMaxConcurrent(2).running).toEqual([a.id, b.id])
    expect(runs.get(b.id).status).toBe('running')
    await runs.whenIdle()
    expect([runs.get(a.id).status, runs.get(b.id).status]).toEqual(['done', 'done'])
    // The setting is stored: a service opened later (after a restart, or the CLI's) starts with it.
    const later = (): RunsService => new RunsService({ db: w.db, datasets: w.datasets, runsDir: join(w.dir, 'runs'), cores: CORES, emit: () => undefined })
    expect(later().concurrency().max).toBe(2)
    runs.setMaxConcurrent(1)
    expect(later().concurrency().max).toBe(1)
  })

  it('starts no further run whose memory does not fit beside the running ones', async () => {
    const budget = runStepBytes(tiny(3)) * 1.5
    const runs = service({ maxConcurrent: 2, concurrentMemoryBytes: budget })
    const a = await runs.enqueue(tiny(3))
    const b = await runs.enqueue(tiny(4))
    expect(runs.concurrency().running).toEqual([a.id])
    await runs.waitFor(a.id)
    await runs.whenIdle()
    expect(runs.get(b.id).status).toBe('done')
    expect(runs.get(b.id).startedAt! >= runs.get(a.id).finishedAt!).toBe(true)
  })

  it('two runs training at once on 2 cores get one wasm thread each, recorded with each run', async () => {
    // The core count is injected, so this holds on any machine; the runs start together.
    const runs = w.service({ wasmThreads: undefined, cores: CORES, maxConcurrent: 2 })
    const a = await runs.enqueue({ ...tiny(7), backend: 'wasm' })
    const b = await runs.enqueue({ ...tiny(8), backend: 'wasm' })
    runs.start()
    expect(runs.concurrency()).toEqual({ max: 2, limit: 2, running: [a.id, b.id] })
    await runs.whenIdle()
    for (const id of [a.id, b.id]) {
      const r = runs.get(id)
      expect(r.status).toBe('done')
      expect(r.backendReport?.threads).toBe(1)
      expect(r.backendReport?.attempts.find((t) => t.ok)?.reason).toMatch(/1 thread.*2 cores shared by 2 runs/)
    }
  })

  it('refuses settings it cannot honour, and closing interrupts every running run', async () => {
    const runs = service()
    expect(() => runs.setMaxConcurrent(0)).toThrow(/at least 1, not 0/)
    expect(() => runs.setMaxConcurrent(1.5)).toThrow(/whole number/)
    expect(() => runs.setMaxConcurrent(CORES + 1)).toThrow(new RegExp(`at most ${CORES} here`))
    expect(runs.concurrency().max).toBe(1)
    expect(() => service({ maxConcurrent: 0 })).toThrow(/at least 1/)
    runs.setMaxConcurrent(2)
    const a = await runs.enqueue(tiny(5))
    const b = await runs.enqueue(tiny(6))
    expect(runs.concurrency().running).toEqual([a.id, b.id])
    await runs.close()
    expect([runs.get(a.id).status, runs.get(b.id).status]).toEqual(['interrupted', 'interrupted'])
    // Left interrupted, they would resume in the next test's service: end them here.
    for (const id of [a.id, b.id]) runs.repo.setStatus(id, 'cancelled', { error: null, finishedAt: new Date().toISOString() })
  })
})
