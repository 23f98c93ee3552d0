// The worker pool with the real things: a redis-server, two worker processes, the runs service queueing
// on them through PoolCoordinator. Runs trained there (the paper's Table 1 template among them) fill the
// same rows as local runs, and a worker killed with SIGKILL mid-run hands the run to the other, which resumes it with every epoch recorded once.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EpochMetrics } from '../../../src/shared/training-protocol'
import type { RunConfig, RunDetail } from '../../../src/shared/types/runs'
import { table1Rows } from '../../../src/renderer/src/lib/runs/paper'
import type { RunsService } from '../../../src/main/services/runs-service'
import { pipelineItems, table1Steps } from '../../../src/shared/run-templates'
import { CPU_DEFAULTS, type TrainForm } from '../../../src/shared/train-form'
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

  it("trains the paper's Table 1 template across both workers into the same rows as a local one, every cell filled", async () => {
    // Tiny settings; the form has no channel widths, so the queued configs are narrowed as the paper-tables test does.
    const form: TrainForm = { ...CPU_DEFAULTS, epochs: 1, imageSize: 32, simclrSize: 16, batchSize: 4, pretrainBatchSize: 8 }
    const queue = async (runs: RunsService, seed: number): Promise<RunDetail[]> => {
      const items = pipelineItems(table1Steps({ ...form, seed }, w.datasetId, 1))
      const narrow = items.map((i) => ({ pretrain: i.pretrain && { ...i.pretrain, channels: [4, 8] }, finetune: { ...i.finetune, channels: [4, 8] } }))
      const queued = await runs.queueMany(narrow)
      runs.start()
      await runs.whenIdle()
      return queued.map((r) => runs.get(r.id))
    }
    // Another seed for the pool's batch: the same one would reuse the local pretrainings.
    const local = await queue(w.service({ maxConcurrent: 2 }), 71)
    const remote = await queue(pool.service([]), 72)
    expect(remote).toHaveLength(8)
    for (const [k, run] of remote.entries()) {
      const twin = local[k]!
      expect([run.kind, run.config.method, run.status, run.error]).toEqual([twin.kind, twin.config.method, 'done', null])
      expect(shape(run)).toEqual(shape(twin))
      expect(run.epochs[0]?.health?.probe ?? null).toEqual(run.kind === 'pretrain' ? expect.any(Number) : null)
    }
    expect(new Set(remote.map((r) => r.worker)).size).toBe(2)
    const rows = table1Rows(remote)
    expect(rows.map((r) => r.method)).toEqual(['simclr', 'mae-patch', 'mae-pixel', 'mae-none'])
    for (const row of rows) expect([row.runs, row.mixed, row.stats.foregroundIou.n, row.stats.f1.n]).toEqual([1, null, 1, 1])
  }, 120_000)

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
