// RunsService against a real SQLite file, the demo dataset and real training workers at tiny sizes:
// plans that explain problems, the one-click pipeline with lineage, the queue across a restart,
// reorder and cancel, resume after a crash, and a crashing worker failing its run (and the finetune).
import * as tf from '@tensorflow/tfjs'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateDemo } from '../../src/main/dataset/demo/generate'
import { RunsService, type RunsServiceOptions } from '../../src/main/services/runs-service'
import { encoderWeights, loadModel, loadNamedTensors } from '../../src/main/training/worker/models/weights-io'
import type { Events } from '../../src/shared/api'
import { PAPER_SIMCLR_AUGMENT } from '../../src/shared/training-protocol'
import { useRunsWorld } from './runs-world'

const w = useRunsWorld('wb-runs-')
let events: { name: keyof Events; payload: Events[keyof Events] }[] = []
const service = (over: Partial<RunsServiceOptions> = {}): RunsService => w.service({ emit: (name, payload) => events.push({ name, payload }), ...over })
const tiny = w.tiny

describe('RunsService', () => {
  it('explains every problem before queueing, and queues nothing then', async () => {
    const runs = service()
    const ok = await runs.plan(tiny())
    expect(ok).toMatchObject({ ok: true, problems: [], trainCount: 4, backend: { name: expect.any(String) } })
    expect(ok.evalCount).toBeGreaterThan(0)
    const tooMany = await runs.plan(tiny({ labels: { mode: 'count', count: 500 } }))
    expect(tooMany.ok).toBe(false)
    expect(tooMany.problems.join()).toMatch(new RegExp(`asked for 500 labelled images but the labelled pool holds only ${ok.labelledPool}`))
    expect((await runs.plan(tiny({ labels: undefined }))).problems.join()).toMatch(/needs a label budget/)
    expect((await runs.plan(tiny({ kind: 'pretrain', method: 'none' }))).problems.join()).toMatch(/pretraining needs a method/)
    expect((await runs.plan(tiny({ parentRunId: 999 }))).problems.join()).toMatch(/parent run #999 does not exist/)
    expect((await runs.plan(tiny({ method: 'simclr' }))).problems.join()).toMatch(/needs its pretraining run/)
    const huge = await runs.plan(tiny({ channels: undefined, imageSize: 512, batchSize: 1024 }))
    expect(huge.problems.join()).toMatch(/batch 1024 needs about [\d.]+ GiB .* use a batch of at most \d+/)

    // A dataset without any trimap.
    const bare = join(w.dir, 'bare')
    await generateDemo({ out: bare, count: 37, seed: 4 })
    const trimaps = join(bare, 'annotations/trimaps')
    for (const f of readdirSync(trimaps)) rmSync(join(trimaps, f))
    const bareId = (await w.datasets.open(bare)).datasetId
    const none = await runs.plan(tiny({ datasetId: bareId }))
    expect(none).toMatchObject({ ok: false, labelledPool: 0 })
    expect(none.problems.join()).toMatch(/no labelled images to finetune on/)
    await expect(runs.enqueue(tiny({ datasetId: bareId }))).rejects.toThrow(/cannot start this finetune run: no labelled images/)
    expect(runs.list()).toHaveLength(0)
  })

  it('runs the one-click pipeline: SimCLR, then a finetune on its frozen encoder whose loss goes down', async () => {
    events = []
    const runs = service()
    runs.start()
    const pretrain = tiny({ kind: 'pretrain', method: 'simclr', labels: undefined, epochs: 2 })
    const finetune = tiny({ labels: { mode: 'fraction', fraction: 1 }, epochs: 2, frozenEncoder: true })
    const [pre, fine] = await runs.pipeline({ pretrain, finetune })
    expect(fine).toMatchObject({ parentRunId: pre!.id, config: { method: 'simclr', parentRunId: pre!.id } })
    const done = await runs.waitFor(fine!.id)
    expect(runs.get(pre!.id)).toMatchObject({ status: 'done', backend: 'wasm', kind: 'pretrain' })
    // The augmentation is recorded with the pretraining, and its SSL health with every epoch: the demo
    // has labelled test images, so the probe is measured; finetune epochs carry none.
    expect(runs.get(pre!.id).config.augment).toEqual(PAPER_SIMCLR_AUGMENT)
    const health = runs.get(pre!.id).epochs.map((e) => e.health)
    expect(health).toHaveLength(2)
    for (const h of health) {
      expect(h).toEqual({ embeddingStd: expect.any(Number), stdThreshold: expect.any(Number), deadChannels: expect.any(Number), probe: expect.any(Number), allSameLoss: expect.any(Number), collapsed: expect.any(Boolean) })
      expect(h!.probe).toBeGreaterThanOrEqual(0)
      expect(h!.probe).toBeLessThanOrEqual(1)
    }
    const stored = w.db.prepare('SELECT health FROM run_epochs WHERE run_id = ? ORDER BY epoch').all(pre!.id) as { health: string }[]
    expect(stored.map((r) => JSON.parse(r.health))).toEqual(health)
    const d = runs.get(fine!.id)
    expect(done.status).toBe('done')
    expect(d.epochs.map((e) => e.epoch)).toEqual([1, 2])
    expect(d.epochs.map((e) => e.health)).toEqual([null, null])
    expect(d.config.augment).toBeUndefined()
    expect(d.epochs[1]!.loss).toBeLessThan(d.epochs[0]!.loss)
    expect(d.lastLoss).toBe(d.epochs[1]!.loss)
    // Scored at the fixed evaluation batch (not the training batch of 4), and the run says so.
    expect(d.metrics).toMatchObject({ meanIou: expect.any(Number), foregroundIou: expect.any(Number), f1: expect.any(Number), evalBatch: 32 })
    expect(d.config.split).toBe('official')
    expect(d.manifest.train).toHaveLength((await runs.plan(finetune)).labelledPool)
    expect(new Set([...d.manifest.train, ...d.manifest.eval]).size).toBe(d.manifest.train.length + d.manifest.eval.length)
    // In SQLite: lineage, final metrics, per-epoch records.
    const row = w.db.prepare('SELECT status, parent_run_id, metrics, backend FROM runs WHERE id = ?').get(fine!.id) as Record<string, unknown>
    expect(row).toMatchObject({ status: 'done', parent_run_id: pre!.id, backend: 'wasm' })
    expect(JSON.parse(row['metrics'] as string).meanIou).toBe(d.metrics!.meanIou)
    expect(w.db.prepare('SELECT COUNT(*) AS n FROM run_epochs WHERE run_id = ?').get(fine!.id)).toEqual({ n: 2 })
    // The frozen encoder is the pretraining run's, bit for bit.
    const saved = await loadNamedTensors(runs.get(pre!.id).checkpointDir!, 'encoder')
    const model = await loadModel(d.checkpointDir!)
    const now = encoderWeights(model)
    expect(Object.keys(now).sort()).toEqual(Object.keys(saved).sort())
    for (const k of Object.keys(saved)) expect(Array.from(now[k]!.dataSync())).toEqual(Array.from(saved[k]!.dataSync()))
    tf.dispose([...Object.values(saved)])
    model.dispose()
    // Progress events carry the live loss curve; status changes went queued → running → done.
    const progress = events.filter((e) => e.name === 'runs:progress').map((e) => e.payload as Events['runs:progress'])
    const steps = 2 * Math.ceil(d.manifest.train.length / 4)
    expect(progress.filter((p) => p.runId === fine!.id).map((p) => p.lossPoint?.step)).toEqual(Array.from({ length: steps }, (_, k) => k + 1))
    const statuses = events.filter((e) => e.name === 'runs:changed' && (e.payload as { id: number }).id === fine!.id).map((e) => (e.payload as { status: string }).status)
    expect(statuses[0]).toBe('queued')
    expect(statuses.at(-1)).toBe('done')

    // The same pretraining again is reused, not repeated.
    const again = await runs.pipeline({ pretrain, finetune: { ...finetune, seed: 2 } })
    expect(again[0]!.id).toBe(pre!.id)
    runs.cancel(again[1]!.id)
    expect((await runs.waitFor(again[1]!.id)).status).toBe('cancelled')
    await runs.close()
  })

  it("plans and records the paper's split: 90/10 of every decodable image, fractions of the whole", async () => {
    const runs = service()
    const paper = (over: Parameters<typeof tiny>[0] = {}) => tiny({ split: 'paper', labels: { mode: 'fraction', fraction: 0.1 }, ...over })
    const official = await runs.plan(tiny())
    const total = official.totalImages!
    expect(total).toBeGreaterThan(30)
    const tenth = await runs.plan(paper())
    expect(tenth).toMatchObject({ ok: true, totalImages: total, trainCount: Math.round(0.1 * total) })
    expect(tenth.evalCount).toBeGreaterThan(0)
    expect(tenth.evalCount).toBeLessThanOrEqual(total - Math.round(0.9 * total))
    // Queued (not started): the config says which split, the manifest keeps train and held-out apart.
    const fine = runs.get((await runs.enqueue(paper())).id)
    expect(fine.config.split).toBe('paper')
    expect(fine.manifest.train.filter((n) => fine.manifest.eval.includes(n))).toEqual([])
    expect(runs.get((await runs.enqueue(tiny())).id).config.split).toBe('official')
    // A pretraining on the paper split leaves that seed's held-out images out; another seed's finetune
    // would be scored on images its encoder saw, and is refused.
    const [pre] = await runs.pipeline({ pretrain: paper({ kind: 'pretrain', method: 'simclr', labels: undefined }), finetune: paper() })
    const preDetail = runs.get(pre!.id)
    expect(preDetail.manifest.train.filter((n) => fine.manifest.eval.includes(n))).toEqual([])
    const other = await runs.plan(paper({ method: 'simclr', parentRunId: pre!.id, seed: 2 }))
    expect(other.problems.join()).toMatch(new RegExp(`parent run #${pre!.id} pretrained on \\d+ of this run's \\d+ held-out images`))
    expect((await runs.plan(paper({ method: 'simclr', parentRunId: pre!.id }))).problems).toEqual([])
    // The later tests count the queue: nothing of this one stays in it.
    for (const r of runs.list()) if (r.status === 'queued') runs.cancel(r.id)
  })

  it('keeps the queue across a restart; reorders; cancels queued and running runs', async () => {
    const a = service()
    const [r1, r2, r3] = [await a.enqueue(tiny({ seed: 11 })), await a.enqueue(tiny({ seed: 12 })), await a.enqueue(tiny({ seed: 13, epochs: 30 }))]
    expect(a.reorder(r3.id, 0).map((r) => r.id)).toEqual([r3.id, r1.id, r2.id])
    await a.close()

    const b = service()
    const queued = b.list().filter((r) => r.status === 'queued').sort((x, y) => x.queuePosition! - y.queuePosition!)
    expect(queued.map((r) => [r.id, r.queuePosition])).toEqual([[r3.id, 0], [r1.id, 1], [r2.id, 2]])
    expect(b.cancel(r2.id).status).toBe('cancelled')
    let cancelled = false
    events = []
    const b2 = service({
      emit: (name, payload) => {
        if (name === 'runs:progress' && !cancelled) {
          cancelled = true
          b2.cancel((payload as Events['runs:progress']).runId)
        }
      },
    })
    b2.start()
    expect((await b2.waitFor(r3.id)).status).toBe('cancelled')
    expect((await b2.waitFor(r1.id)).status).toBe('done')
    await b2.whenIdle()
    expect(b2.get(r3.id).startedAt! <= b2.get(r1.id).startedAt!).toBe(true)
    expect(b2.get(r2.id)).toMatchObject({ status: 'cancelled', startedAt: null })
    expect(() => b2.cancel(r1.id)).toThrow(/is done/)
    await b2.close()
    expect(b.retry(r2.id)).toMatchObject({ status: 'queued', queuePosition: 0, error: null })
    expect(b.cancel(r2.id).status).toBe('cancelled')
  })

  it('resumes a run a crash left running from its last checkpoint', async () => {
    let firstEpoch = 0
    let id = 0
    const a = service({
      emit: (name, payload) => {
        if (name === 'runs:changed' && (payload as { id: number }).id === id && a.get(id).epochs.length === 1 && !firstEpoch) {
          firstEpoch = a.get(id).epochs[0]!.loss
          void a.close()
        }
      },
    })
    a.start()
    id = (await a.enqueue(tiny({ seed: 21, epochs: 4, batchSize: 2 }))).id
    await new Promise<void>((resolve) => {
      const t = setInterval(() => firstEpoch && (clearInterval(t), resolve()), 20)
    })
    await a.close()
    // What a crash leaves behind: the row still 'running', a checkpoint on disk.
    w.db.prepare(`UPDATE runs SET status = 'running' WHERE id = ?`).run(id)
    const ckpt = JSON.parse(readFileSync(join(w.dir, 'runs', String(id), 'progress.json'), 'utf8')) as { epochsDone: number }
    expect(ckpt.epochsDone).toBeGreaterThanOrEqual(1)

    events = []
    const b = service()
    b.start()
    const done = await b.waitFor(id)
    expect(done.status).toBe('done')
    const seen = events.filter((e) => e.name === 'runs:progress').map((e) => (e.payload as Events['runs:progress']).progress.epoch)
    expect(seen[0]).toBe(ckpt.epochsDone + 1)
    const statuses = events.filter((e) => e.name === 'runs:changed').map((e) => (e.payload as { status: string }).status)
    expect(statuses.slice(0, 2)).toEqual(['interrupted', 'running'])
    const epochs = b.get(id).epochs
    expect(epochs.at(-1)!.epoch).toBe(4)
    expect(epochs[0]).toMatchObject({ epoch: 1, loss: firstEpoch })
    await b.close()
  })

  it('fails a run whose worker crashes, with the reason, and the finetune waiting on it', async () => {
    const a = service()
    const [pre, fine] = await a.pipeline({ pretrain: tiny({ kind: 'pretrain', method: 'mae-none', seed: 31 }), finetune: tiny({ seed: 31 }) })
    await a.close()
    // A heap far too small for tfjs: the worker dies of out-of-memory.
    const b = service({ worker: { resourceLimits: { maxOldGenerationSizeMb: 8 } } })
    b.start()
    expect((await b.waitFor(fine!.id)).error).toMatch(new RegExp(`its pretraining run #${pre!.id} failed: training worker crashed`))
    expect(b.get(pre!.id)).toMatchObject({ status: 'failed', error: expect.stringMatching(/memory/) })
    expect(() => b.retry(fine!.id)).toThrow(/retry that one first/)
    await b.close()
    // Retrying the pretraining queues the finetune that failed because of it again, behind it.
    const c = service()
    expect(c.retry(pre!.id)).toMatchObject({ status: 'queued', error: null })
    expect(c.get(fine!.id)).toMatchObject({ status: 'queued', error: null, epochs: [] })
    c.cancel(pre!.id)
    // Waiting on a cancelled pretraining: cancelled with it, not failed.
    expect(c.get(fine!.id)).toMatchObject({ status: 'cancelled', error: `its pretraining run #${pre!.id} was cancelled` })
  })
})
