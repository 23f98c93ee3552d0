// The worker pool with the real things: a redis-server, two worker processes, the runs service queueing
// on them through PoolCoordinator. Runs trained there fill the same rows as local runs, and a worker
// killed with SIGKILL mid-run hands the run to the other, which resumes it with every epoch recorded once.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EpochMetrics } from '../../../src/shared/training-protocol'
import type { RunConfig, RunDetail } from '../../../src/shared/types/runs'
import { useRunsWorld } from '../runs-world'
import { usePool } from './pool-world'

const w = useRunsWorld('wb-pool-')
const pool = usePool(w, 2)

/** What a run's stored rows hold, numbers reduced to "a finite number". */
function shape(run: RunDetail): unknown {
  const num = (v: unknown): unknown => (typeof v === 'number' && Number.isFinite(v) ? 'number' : v === null ? null : typeof v)
  const metrics = (m: EpochMetrics | null): unknown => (m ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Array.isArray(v) ? v.map(num) : num(v)])) : null)
  return {
    status: run.status, lastLoss: num(run.lastLoss), metrics: metrics(run.metrics), startedAt: typeof run.startedAt, finishedAt: typeof run.finishedAt,
    epochs: run.epochs.map((e) => ({ epoch: e.epoch, loss: num(e.loss), seconds: num(e.seconds), metrics: metrics(e.metrics) })),
  }
}

describe('runs on the worker pool', () => {
  it('lists both workers with their backend', async () => {
    const listed = await pool.coordinator().workers()
    expect(listed.map((a) => a.id).sort()).toEqual(pool.workers.map((p) => p.id).sort())
    for (const a of listed) {
      expect(a.backend).toMatch(/wasm|cpu|tfjs/)
      expect(a.freeMemoryBytes).toBeGreaterThan(0)
    }
  })

  it('trains two runs across both workers into the same rows as local runs', async () => {
    const configs: RunConfig[] = [w.tiny({ seed: 1, epochs: 2 }), w.tiny({ seed: 2, epochs: 2 })]
    const local = w.service()
    const localIds = await Promise.all(configs.map(async (c) => (await local.enqueue(c)).id))
    local.start()
    await local.whenIdle()

    const log: string[] = []
    const remote = pool.service(log)
    const ids = await Promise.all(configs.map(async (c) => (await remote.enqueue(c)).id))
    remote.start()
    await remote.whenIdle()

    for (const [k, id] of ids.entries()) {
      const run = remote.get(id)
      const twin = local.get(localIds[k]!)
      expect(run.status, run.error ?? '').toBe('done')
      // Weights start from unseeded initializers, so the numbers differ; which fields are filled does not.
      expect(shape(run)).toEqual(shape(twin))
      expect(run.manifest).toEqual(twin.manifest)
      expect(run.backend).toBe(twin.backend)
      expect(run.backendReport?.attempts.some((a) => a.ok && a.reason.includes('pool worker on'))).toBe(true)
      // The checkpoint came back into the app's runs folder, the same files as a local run's.
      expect(run.checkpointDir).toBe(join(w.dir, 'runs', String(id)))
      expect(readdirSync(run.checkpointDir!).sort()).toEqual(readdirSync(twin.checkpointDir!).sort())
    }
    const on = log.filter((l) => l.includes('training on worker')).map((l) => /worker (\S+)/.exec(l)![1])
    expect(new Set(on).size).toBe(2)
  })

  it('resumes a run whose worker is killed mid-run on the other worker, every epoch recorded once', async () => {
    const log: string[] = []
    let twoEpochs: () => void = () => undefined
    // Epoch 1's checkpoint reaches the app before epoch 2's record does (the job's events are in order).
    const checkpointed = new Promise<void>((resolve) => (twoEpochs = resolve))
    const remote = pool.service(log, (name, payload) => {
      const s = payload as { id?: number }
      if (name === 'runs:changed' && s.id !== undefined && remote.get(s.id).epochs.length >= 2) twoEpochs()
    })
    const epochs = 20
    const { id } = await remote.enqueue(w.tiny({ seed: 5, epochs, labels: { mode: 'count', count: 12 } }))
    remote.start()
    await checkpointed
    const holder = (await pool.coordinator().workers()).find((a) => a.running.includes(id))
    expect(holder).toBeDefined()
    const victim = pool.workers.find((p) => p.pid === holder!.pid)!
    await victim.kill()
    pool.workers = pool.workers.filter((p) => p !== victim)
    const run = await remote.waitFor(id)
    expect(run.status, run.error ?? '').toBe('done')
    expect(remote.get(id).epochs.map((e) => e.epoch)).toEqual(Array.from({ length: epochs }, (_, k) => k + 1))
    const starts = log.filter((l) => l.includes(`run #${id} training on worker`))
    expect(starts).toHaveLength(2)
    expect(starts[1]).toMatch(/resuming after epoch \d+/)
    expect(starts[1]).not.toContain(victim.id)
    expect(existsSync(join(w.dir, 'runs', String(id)))).toBe(true)
  })
})
