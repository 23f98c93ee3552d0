// ExportService against a real SQLite file, the demo dataset and a tiny trained run: the exported model
// loads in a separate Node process that has only @tensorflow/tfjs and predicts what our model predicts;
// the folder imports as a run into another app (through RunsService.adopt; the same app refuses it); corrupt or foreign folders and
// unfinished runs are refused; the runs table formats as CSV and JSON. (Predictions exports:
// predictions-export.test.ts.)
import * as tf from '@tensorflow/tfjs'
import { execFileSync } from 'node:child_process'
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../src/main/dataset/demo/generate'
import { openDatabase, type Db } from '../../src/main/db/open'
import { DatasetService } from '../../src/main/services/dataset-service'
import { ExportService } from '../../src/main/services/export-service'
import { runsTable } from '../../src/main/services/export/runs-table'
import { RunsService } from '../../src/main/services/runs-service'
import { STANDARD_LAYERS } from '../../src/main/training/worker/bundle/standard-topology'
import { loadModel, loadNamedTensors } from '../../src/main/training/worker/models/weights-io'
import type { RunConfig, RunDetail } from '../../src/shared/types/runs'

let dir: string
let db: Db
let datasets: DatasetService
let runs: RunsService
let exporter: ExportService
let run: RunDetail
let pretrain: RunDetail
let exported: string
let emitted: number[] = []
/** A second app (its own database and runs folder) on the same dataset: where imports are new runs. */
let other: { db: Db; datasets: DatasetService; runs: RunsService; exporter: ExportService }

// A consumer with nothing but @tensorflow/tfjs: reads the folder through its own IOHandler, predicts
// on the raw float32 input file and prints the output. Run from the repo root so the import resolves.
const CONSUMER = `
import * as tf from '@tensorflow/tfjs'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
const [dir, input, size] = process.argv.slice(1)
const handler = { load: async () => {
  const m = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'))
  const bins = m.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dir, p))))
  const all = Buffer.concat(bins)
  return { modelTopology: m.modelTopology, weightSpecs: m.weightsManifest.flatMap((g) => g.weights),
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) }
} }
const model = await tf.loadLayersModel(handler)
const buf = readFileSync(input)
const x = tf.tensor4d(new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4), [1, +size, +size, 3])
process.stdout.write(JSON.stringify(Array.from(model.predict(x).dataSync())))
`

const tiny = (datasetId: number): RunConfig => ({
  kind: 'finetune', datasetId, method: 'none', labels: { mode: 'count', count: 4 }, frozenEncoder: false, skips: true,
  epochs: 1, batchSize: 4, imageSize: 32, simclrSize: 16, learningRate: 0.01, seed: 1, channels: [4, 8],
})

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-export-'))
  await generateDemo({ out: join(dir, 'pets'), count: 40, seed: 3 })
  db = openDatabase(join(dir, 'data/workbench.sqlite'))
  datasets = new DatasetService({ db, cacheDir: join(dir, 'data/cache'), demoDir: join(dir, 'data/demo') })
  const datasetId = (await datasets.open(join(dir, 'pets'))).datasetId
  runs = new RunsService({
    db, datasets, runsDir: join(dir, 'runs'), wasmThreads: 1, progressIntervalMs: 0,
    emit: (name, payload) => name === 'runs:changed' && emitted.push((payload as { id: number }).id),
  })
  runs.start()
  const queued = await runs.enqueue(tiny(datasetId))
  const pre = await runs.enqueue({ ...tiny(datasetId), kind: 'pretrain', method: 'simclr', labels: undefined })
  await runs.waitFor(queued.id)
  await runs.waitFor(pre.id)
  // Closed so a run inserted by a test is never picked up and trained.
  await runs.close()
  run = runs.get(queued.id)
  pretrain = runs.get(pre.id)
  exporter = new ExportService({ runs, datasets, runsDir: join(dir, 'runs'), wasmThreads: 1 })
  exported = join(dir, 'export')
  const odb = openDatabase(join(dir, 'other/workbench.sqlite'))
  const ods = new DatasetService({ db: odb, cacheDir: join(dir, 'other/cache'), demoDir: join(dir, 'other/demo') })
  await ods.open(join(dir, 'pets'))
  const oruns = new RunsService({
    db: odb, datasets: ods, runsDir: join(dir, 'other/runs'), wasmThreads: 1,
    emit: (name, payload) => name === 'runs:changed' && emitted.push((payload as { id: number }).id),
  })
  other = { db: odb, datasets: ods, runs: oruns, exporter: new ExportService({ runs: oruns, datasets: ods, runsDir: join(dir, 'other/runs'), wasmThreads: 1 }) }
}, 60_000)

afterAll(() => {
  other?.datasets.close()
  other?.db.close()
  datasets?.close()
  db?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** A copy of the export with `change` applied, for the refusal tests. */
function brokenCopy(name: string, change: (d: string) => void): string {
  const d = join(dir, 'broken', name)
  cpSync(exported, d, { recursive: true })
  change(d)
  return d
}

describe('ExportService', () => {
  it('exports a finished run that plain tfjs loads and that predicts what our model predicts', async () => {
    expect(run.status).toBe('done')
    expect(await exporter.exportRun(run.id, exported)).toEqual({ dir: exported })
    expect(readdirSync(exported).sort()).toEqual(['README.md', 'config.json', 'manifest.json', 'metrics.json', 'model.json', 'weights.bin'])
    const model = JSON.parse(readFileSync(join(exported, 'model.json'), 'utf8'))
    const classes = model.modelTopology.config.layers.map((l: { class_name: string }) => l.class_name) as string[]
    expect(classes.filter((c) => !STANDARD_LAYERS.includes(c))).toEqual([])
    expect(classes).toEqual(expect.arrayContaining(['Conv2D', 'Conv2DTranspose', 'MaxPooling2D', 'Concatenate']))
    expect(JSON.parse(readFileSync(join(exported, 'manifest.json'), 'utf8'))).toMatchObject({ train: run.manifest.train, eval: run.manifest.eval })
    expect(JSON.parse(readFileSync(join(exported, 'metrics.json'), 'utf8'))).toMatchObject({ final: run.metrics, epochs: run.epochs })
    expect(readFileSync(join(exported, 'README.md'), 'utf8')).toMatch(/tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras/)

    const img = datasets.listImages({ datasetId: run.config.datasetId })[0]!
    const x = Float32Array.from(await datasets.getResized(img.id, 32), (v) => v / 255)
    writeFileSync(join(dir, 'x.bin'), x)
    const theirs = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', CONSUMER, exported, join(dir, 'x.bin'), '32'], { cwd: process.cwd(), encoding: 'utf8' })) as number[]
    const ours = await loadModel(run.checkpointDir!)
    const y = ours.predict(tf.tensor4d(x, [1, 32, 32, 3])) as tf.Tensor
    const want = Array.from(y.dataSync())
    tf.dispose([y])
    ours.dispose()
    expect(theirs).toHaveLength(32 * 32 * 3)
    expect(Math.max(...theirs.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThan(1e-5)
  }, 30_000)

  it('refuses unfinished runs and non-empty destinations', async () => {
    await expect(exporter.exportRun(run.id, exported)).rejects.toThrow(/is not empty: choose a new or empty folder/)
    const queuedId = runs.repo.insert({ name: 'not yet', config: run.config, manifest: run.manifest })
    await expect(exporter.exportRun(queuedId, join(dir, 'q'))).rejects.toThrow(new RegExp(`run #${queuedId} is queued: only finished`))
    expect(existsSync(join(dir, 'q'))).toBe(false)
    // Finished, but its checkpoint folder is gone.
    runs.repo.finish(queuedId, { metrics: null })
    await expect(exporter.exportRun(queuedId, join(dir, 'q'))).rejects.toThrow(new RegExp(`run #${queuedId} has no checkpoint`))
    db.prepare('DELETE FROM runs WHERE id = ?').run(queuedId)
  })

  it('imports an exported folder as a new finished run with the same metrics and weights', async () => {
    // Back into the app it came from, it is the same run: refused, naming it.
    await expect(exporter.importRun(exported)).rejects.toThrow(`this run is already here as run #${run.id}`)
    emitted = []
    const imported = await other.exporter.importRun(exported)
    expect(imported).toMatchObject({ status: 'done', kind: 'finetune', metrics: run.metrics, lastLoss: run.lastLoss, name: `${run.name} (imported)` })
    expect(emitted).toEqual([imported.id])
    const d = other.runs.get(imported.id)
    expect(d.epochs).toEqual(run.epochs)
    expect(d.manifest).toEqual(run.manifest)
    expect(d.config).toEqual({ ...run.config, datasetId: d.config.datasetId, parentRunId: null })
    const [a, b] = [await loadModel(run.checkpointDir!), await loadModel(d.checkpointDir!)]
    expect(b.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(a.getWeights().map((w) => Array.from(w.dataSync())))
    a.dispose()
    b.dispose()
    // The imported run exports again (its checkpoint is a real one).
    await other.exporter.exportRun(imported.id, join(dir, 're-export'))
    expect(readFileSync(join(dir, 're-export/weights.bin'))).toEqual(readFileSync(join(exported, 'weights.bin')))
  }, 20_000)

  it('round-trips a SimCLR pretraining run, whose imported encoder a finetune can start from', async () => {
    expect(pretrain.status).toBe('done')
    const out = join(dir, 'simclr')
    await exporter.exportRun(pretrain.id, out)
    const classes = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).modelTopology.config.layers.map((l: { class_name: string }) => l.class_name)
    expect(classes).toEqual(expect.arrayContaining(['Conv2D', 'GlobalAveragePooling2D', 'Dense']))
    expect(classes.filter((c: string) => !STANDARD_LAYERS.includes(c))).toEqual([])
    const imported = await other.exporter.importRun(out)
    expect(imported).toMatchObject({ status: 'done', kind: 'pretrain', config: { method: 'simclr' } })
    const [a, b] = [await loadNamedTensors(pretrain.checkpointDir!, 'encoder'), await loadNamedTensors(other.runs.get(imported.id).checkpointDir!, 'encoder')]
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort())
    for (const k of Object.keys(a)) expect(Array.from(b[k]!.dataSync())).toEqual(Array.from(a[k]!.dataSync()))
    tf.dispose([...Object.values(a), ...Object.values(b)])
  }, 20_000)

  it('refuses corrupt or foreign folders, naming the file and the problem', async () => {
    const before = runs.list().length
    const truncated = brokenCopy('truncated', (d) => writeFileSync(join(d, 'weights.bin'), readFileSync(join(d, 'weights.bin')).subarray(0, 100)))
    await expect(exporter.importRun(truncated)).rejects.toThrow(/weights\.bin in .* hold 100 bytes, but model\.json's weightsManifest describes \d+/)
    const noModel = brokenCopy('no-model', (d) => rmSync(join(d, 'model.json')))
    await expect(exporter.importRun(noModel)).rejects.toThrow(/model\.json is missing from/)
    const foreign = brokenCopy('foreign', (d) => copyFileSync(join(process.cwd(), 'package.json'), join(d, 'config.json')))
    await expect(exporter.importRun(foreign)).rejects.toThrow(/config\.json in .* format: "format" must be "unet-ssl-workbench\/run": this is not a run exported/)
    const notJson = brokenCopy('not-json', (d) => writeFileSync(join(d, 'metrics.json'), '{"final": '))
    await expect(exporter.importRun(notJson)).rejects.toThrow(/metrics\.json in .* is not valid JSON/)
    const misfit = brokenCopy('misfit', (d) => {
      const c = JSON.parse(readFileSync(join(d, 'config.json'), 'utf8'))
      c.config.channels = [4, 16]
      writeFileSync(join(d, 'config.json'), JSON.stringify(c))
    })
    await expect(exporter.importRun(misfit)).rejects.toThrow(/does not fit the finetune U-Net that config\.json describes \(channels \[4, 16\].*enc_conv1 holds weights of shapes/)
    await expect(exporter.importRun(join(dir, 'nowhere'))).rejects.toThrow(/is not a folder/)
    expect(runs.list()).toHaveLength(before)
    expect(readdirSync(join(dir, 'runs')).filter((f) => f.startsWith('.import'))).toEqual([])
  })

  it('exports the runs table as CSV with a header and one row per run, and as JSON', () => {
    const all = runs.list()
    const { text, mime } = runsTable(all, undefined, 'csv')
    expect(mime).toBe('text/csv')
    const lines = text.trimEnd().split('\r\n')
    expect(lines[0]).toMatch(/^id,name,kind,method,labels,frozen,skips,seed,status,backend,/)
    expect(lines).toHaveLength(all.length + 1)
    const header = lines[0]!.split(',')
    const row = lines.find((l) => l.startsWith(`${run.id},`))!.split(',')
    expect(row[header.indexOf('labels')]).toBe('4')
    expect(Number(row[header.indexOf('mean_iou')])).toBeCloseTo(run.metrics!.meanIou, 10)
    const j = runsTable(runs.list(), [run.id], 'json')
    expect(j.mime).toBe('application/json')
    expect(JSON.parse(j.text)).toMatchObject([{ id: run.id, status: 'done', config: run.config }])
    expect(() => runsTable(runs.list(), [9999], 'csv')).toThrow(/no run with id 9999/)
  })
})
