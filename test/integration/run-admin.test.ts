// The run manager against a real SQLite file and real tiny runs: delete removes rows and every folder of
// a run, refuses running runs and parents of finetunes; archive hides a run from lists; tags, notes and
// renames persist; a finetune of a cancelled pretraining is cancelled, not failed; and the same run
// imported twice (or an export imported back) is refused, naming the run already here.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/main/db/open'
import { DatasetService } from '../../src/main/services/dataset-service'
import { ExportService } from '../../src/main/services/export-service'
import { RunsService } from '../../src/main/services/runs-service'
import { checkpointDirOf } from '../../src/main/services/run-executor'
import type { Events } from '../../src/shared/api'
import { useRunsWorld } from './runs-world'

const w = useRunsWorld('wb-run-admin-')
const deleted: number[][] = []
const service = (): RunsService =>
  w.service({ emit: (name, payload) => name === 'runs:deleted' && deleted.push((payload as Events['runs:deleted']).ids) })

async function trained(runs: RunsService, over = {}): Promise<number> {
  runs.start()
  const r = await runs.enqueue(w.tiny(over))
  expect((await runs.waitFor(r.id)).status).toBe('done')
  return r.id
}

describe('run manager', () => {
  it('deletes a run with its epochs, checkpoint folders and predictions, after saying what goes', async () => {
    const runs = service()
    const id = await trained(runs)
    await runs.close()
    const ckpt = runs.get(id).checkpointDir!
    for (const sib of [`${ckpt}.prev`, `${ckpt}.bad`]) mkdirSync(sib, { recursive: true }), writeFileSync(join(sib, 'weights.bin'), 'x')
    const preds = join(w.dir, 'predictions', String(id))
    mkdirSync(preds, { recursive: true })
    writeFileSync(join(preds, 'cat_1.png'), 'png')

    const plan = runs.deletePlan(id)
    expect(plan).toMatchObject({ epochs: 1, predictions: 1, dependents: [], blocked: null, runs: [{ id, epochs: 1 }] })
    expect(plan.checkpointBytes).toBeGreaterThan(2)
    expect(runs.delete(id)).toEqual({ deleted: [id] })
    expect(deleted.at(-1)).toEqual([id])
    expect(() => runs.get(id)).toThrow(`No run with id ${id}`)
    expect(runs.repo.epochs(id)).toEqual([])
    for (const gone of [ckpt, `${ckpt}.prev`, `${ckpt}.bad`, preds]) expect(existsSync(gone)).toBe(false)
  })

  it('refuses a running run and a pretraining run its finetunes depend on, unless they go with it', () => {
    const runs = service()
    const running = runs.repo.insert({ name: 'busy', config: w.tiny(), manifest: { train: [], eval: [] } })
    runs.repo.setStatus(running, 'running')
    expect(() => runs.delete(running)).toThrow(`cannot delete run #${running}: run #${running} is running: cancel it`)
    expect(runs.get(running).status).toBe('running')

    const pre = runs.repo.insert({ name: 'pre', config: w.tiny({ kind: 'pretrain', method: 'simclr', labels: undefined }), manifest: { train: [], eval: [] } })
    runs.repo.setStatus(pre, 'done')
    const fine = runs.repo.insert({ name: 'fine', config: w.tiny({ method: 'simclr', parentRunId: pre }), manifest: { train: [], eval: [] } })
    runs.repo.setStatus(fine, 'done')
    mkdirSync(checkpointDirOf(join(w.dir, 'runs'), fine), { recursive: true })
    expect(runs.deletePlan(pre)).toMatchObject({ dependents: [fine], blocked: null })
    expect(() => runs.delete(pre)).toThrow(`run #${pre} is the pretraining run of #${fine}: delete that finetune with it, or keep it`)
    expect(runs.get(fine).status).toBe('done')
    expect(runs.delete(pre, true)).toEqual({ deleted: [pre, fine] })
    expect(runs.list().map((r) => r.id)).not.toContain(fine)
    expect(existsSync(checkpointDirOf(join(w.dir, 'runs'), fine))).toBe(false)
    runs.repo.delete([running])
  })

  it('archives, renames, tags and notes a run; archived runs leave the list unless asked for', () => {
    const runs = service()
    const a = runs.repo.insert({ name: 'a', config: w.tiny(), manifest: { train: [], eval: [] } })
    expect(() => runs.update(a, { archived: true })).toThrow(`run #${a} is queued: cancel it or let it finish before archiving it`)
    runs.repo.setStatus(a, 'done')
    const s = runs.update(a, { archived: true, name: '  baseline  ', tags: ['cpu', 'cpu', 'v2'], note: 'first try' })
    expect(s).toMatchObject({ id: a, archived: true, name: 'baseline', tags: ['cpu', 'v2'], note: 'first try' })
    expect(runs.list(w.datasetId).map((r) => r.id)).not.toContain(a)
    expect(runs.list(w.datasetId, { includeArchived: true }).map((r) => r.id)).toContain(a)
    expect(() => runs.update(a, { tags: ['two words'] })).toThrow(/tag "two words" is not a short word/)
    expect(runs.update(a, { archived: false }).archived).toBeUndefined()
    expect(runs.list(w.datasetId).find((r) => r.id === a)).toMatchObject({ name: 'baseline', tags: ['cpu', 'v2'] })
    runs.repo.delete([a])
  })

  it('cancels, not fails, a finetune whose pretraining was cancelled, and a retry of the parent queues it again', async () => {
    const runs = service()
    const pre = runs.repo.insert({ name: 'pre', config: w.tiny({ kind: 'pretrain', method: 'simclr', labels: undefined }), manifest: { train: [], eval: [] } })
    const fine = runs.repo.insert({ name: 'fine', config: w.tiny({ method: 'simclr', parentRunId: pre }), manifest: { train: [], eval: [] } })
    runs.cancel(pre)
    expect(runs.get(fine)).toMatchObject({ status: 'cancelled', error: `its pretraining run #${pre} was cancelled` })
    expect(runs.retry(pre).status).toBe('queued')
    expect(runs.get(fine).status).toBe('queued')
    // Cancelled by another process: the queue finds the finetune waiting on it and cancels it too.
    runs.repo.setStatus(pre, 'cancelled')
    runs.start({ only: [fine] })
    expect(await runs.waitFor(fine)).toMatchObject({ status: 'cancelled', error: `its pretraining run #${pre} was cancelled` })
    runs.repo.delete([fine, pre])
  })

  it('refuses to import a run twice, or an export back into the app it came from, naming the run', async () => {
    const runs = service()
    const id = await trained(runs, { seed: 7 })
    await runs.close()
    const exporter = new ExportService({ runs, datasets: w.datasets, runsDir: join(w.dir, 'runs'), wasmThreads: 1 })
    const out = join(w.dir, 'export-7')
    await exporter.exportRun(id, out)
    const before = runs.list().length
    await expect(exporter.importRun(out)).rejects.toThrow(`this run is already here as run #${id}`)
    expect(runs.list()).toHaveLength(before)

    // Another app: the first import is taken, the second is refused naming it.
    const db = openDatabase(join(w.dir, 'other/workbench.sqlite'))
    const datasets = new DatasetService({ db, cacheDir: join(w.dir, 'other/cache'), demoDir: join(w.dir, 'other/demo') })
    try {
      await datasets.open(join(w.dir, 'pets'))
      const other = new RunsService({ db, datasets, runsDir: join(w.dir, 'other/runs'), emit: () => undefined })
      const otherExporter = new ExportService({ runs: other, datasets, runsDir: join(w.dir, 'other/runs'), wasmThreads: 1 })
      const first = await otherExporter.importRun(out)
      await expect(otherExporter.importRun(out)).rejects.toThrow(`this run is already here as run #${first.id} "${first.name}"`)
      // Its re-export is the same run too.
      await otherExporter.exportRun(first.id, join(w.dir, 're-export-7'))
      await expect(exporter.importRun(join(w.dir, 're-export-7'))).rejects.toThrow(`already here as run #${id}`)
      expect(other.list()).toHaveLength(1)
      await other.close()
    } finally {
      datasets.close()
      db.close()
    }
  }, 60_000)
})
