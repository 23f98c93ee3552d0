// The predictions export (PredictionsService.exportSplit, runs:exportPredictions) against a real SQLite
// file, the demo dataset and untrained checkpoints: the release's PNG layout at each image's size,
// predicted in a worker with progress and without blocking this thread, cancelled by close() leaving
// nothing behind, refusals for runs that cannot predict, and the same bytes as `cli eval` writes.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../src/main/dataset/demo/generate'
import { openDatabase, type Db } from '../../src/main/db/open'
import { DatasetService } from '../../src/main/services/dataset-service'
import { LabelsService } from '../../src/main/services/labels-service'
import { PredictionsService } from '../../src/main/services/predictions-service'
import { RunsService } from '../../src/main/services/runs-service'
import { selectBackend } from '../../src/main/training/worker/backend'
import { evaluateCheckpoint } from '../../src/main/training/host/eval-checkpoint'
import { buildSimclrModel } from '../../src/main/training/worker/models/projection-head'
import { buildUnet } from '../../src/main/training/worker/models/unet'
import { saveModel } from '../../src/main/training/worker/models/weights-io'
import type { PredictionsExportProgress } from '../../src/shared/api'
import type { RunConfig } from '../../src/shared/types/runs'

let dir: string
let db: Db
let datasets: DatasetService
let runs: RunsService
let preds: PredictionsService
let datasetId: number
let fine: number
let heavy: number
const progress: PredictionsExportProgress[] = []
let onProgress: (p: PredictionsExportProgress) => void = () => {}

const HEAVY = { imageSize: 64, channels: [32, 64, 128] }
const tiny = (over: Partial<RunConfig> = {}): RunConfig => ({
  kind: 'finetune', datasetId, method: 'none', labels: { mode: 'count', count: 4 }, frozenEncoder: false, skips: true,
  epochs: 1, batchSize: 4, imageSize: 32, simclrSize: 16, learningRate: 0.01, seed: 1, channels: [4, 8], ...over,
})

/** A finished run of `config` whose checkpoint is `model`, untrained: predicting needs no training. */
async function finishedRun(name: string, config: RunConfig, model: Parameters<typeof saveModel>[0]): Promise<number> {
  const id = runs.repo.insert({ name, config, manifest: { train: [], eval: [] } })
  const ckpt = join(dir, `ckpt-${id}`)
  await saveModel(model, ckpt)
  model.dispose()
  runs.repo.setBackend(id, { name: 'wasm', threads: 1, attempts: [] }, ckpt)
  runs.repo.finish(id, { metrics: null })
  return id
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-pred-export-'))
  await generateDemo({ out: join(dir, 'pets'), count: 40, seed: 3 })
  db = openDatabase(join(dir, 'data/workbench.sqlite'))
  datasets = new DatasetService({ db, cacheDir: join(dir, 'data/cache'), demoDir: join(dir, 'data/demo') })
  datasetId = (await datasets.open(join(dir, 'pets'))).datasetId
  runs = new RunsService({ db, datasets, runsDir: join(dir, 'runs'), emit: () => {} })
  // Building the models here needs a started backend.
  await selectBackend({ wasmThreads: 1 })
  const unet = (c: RunConfig) => buildUnet({ inputSize: c.imageSize, channels: c.channels!, skips: true, outChannels: 3, outActivation: 'softmax' })
  fine = await finishedRun('fine', tiny(), unet(tiny()))
  // Larger: one batch of 16 takes a few hundred ms to predict, which would stall this thread's timers if it ran here.
  heavy = await finishedRun('heavy', tiny(HEAVY), unet(tiny(HEAVY)))
  preds = new PredictionsService({
    db, runs, datasets, labels: new LabelsService({ datasets, user: 'tester' }), predictionsDir: join(dir, 'data/predictions'),
    wasmThreads: 1, batchSize: 16, progressIntervalMs: 0,
    emit: (name, payload) => {
      if (name !== 'runs:exportProgress') return
      progress.push(payload as PredictionsExportProgress)
      onProgress(payload as PredictionsExportProgress)
    },
  })
}, 60_000)

afterAll(async () => {
  await preds?.close()
  datasets?.close()
  db?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

const trimapsIn = (out: string) => join(out, 'annotations/trimaps')

describe('predictions export', () => {
  it('exports predicted trimaps of a split as annotations/trimaps PNGs of each image size', async () => {
    const test = datasets.listImages({ datasetId, split: 'test' }).filter((i) => !i.broken)
    expect(test.length).toBeGreaterThan(0)
    const out = join(dir, 'pred')
    mkdirSync(out)
    const res = await preds.exportSplit(fine, 'test', out)
    expect(res).toEqual({ dir: out, count: test.length })
    const files = readdirSync(trimapsIn(out)).sort()
    expect(files).toEqual(test.map((i) => `${i.name}.png`).sort())
    for (const img of test.slice(0, 3)) {
      const file = join(trimapsIn(out), `${img.name}.png`)
      const meta = await sharp(file).metadata()
      expect([meta.format, meta.width, meta.height, meta.channels, meta.bitsPerSample]).toEqual(['png', img.width, img.height, 1, 8])
      const { data } = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true })
      expect(data.every((v) => v >= 1 && v <= 3)).toBe(true)
    }
    await expect(preds.exportSplit(fine, 'test', out)).rejects.toThrow(/is not empty/)
  }, 30_000)

  it('writes the same bytes as `cli eval` for the same run and image', async () => {
    const evalDir = join(dir, 'eval')
    const res = await evaluateCheckpoint({ datasets, datasetId, checkpointDir: runs.get(fine).checkpointDir!, outDir: evalDir, batchSize: 4, wasmThreads: 1 })
    expect(res.split).toBe('test')
    const out = join(dir, 'pred-same')
    await preds.exportSplit(fine, 'test', out)
    const evaluated = readdirSync(evalDir).sort()
    expect(evaluated.length).toBe(res.images)
    for (const name of evaluated) expect(readFileSync(join(trimapsIn(out), name)), name).toEqual(readFileSync(join(evalDir, name)))
  }, 30_000)

  it('refuses runs that are not finished or cannot segment, before a worker starts', async () => {
    const queued = runs.repo.insert({ name: 'not yet', config: tiny(), manifest: { train: [], eval: [] } })
    await expect(preds.exportSplit(queued, 'test', join(dir, 'q'))).rejects.toThrow(new RegExp(`run #${queued} is queued: only finished`))
    const simclr = tiny({ kind: 'pretrain', method: 'simclr', labels: undefined })
    const pre = await finishedRun('simclr', simclr, buildSimclrModel(buildUnet({ inputSize: 16, channels: [4, 8], skips: true, outChannels: 3, outActivation: 'softmax' }), [4, 8]))
    await expect(preds.exportSplit(pre, 'test', join(dir, 'p2'))).rejects.toThrow(/no segmentation head/)
    expect([existsSync(join(dir, 'q')), existsSync(join(dir, 'p2'))]).toEqual([false, false])
  }, 30_000)

  it('reports progress and keeps this thread responsive while it predicts', async () => {
    const all = datasets.listImages({ datasetId }).filter((i) => !i.broken)
    const out = join(dir, 'pred-all')
    // Timed from the first 'predicting' event: the phase whose tfjs work used to run on this thread
    // (one batch of this model takes ~0.5 s here). The worker's start-up is left out: in tests it
    // loads through tsx and, on a loaded 2-core machine, competes with this thread for the CPU.
    let last = 0
    let worstGap = 0
    onProgress = (p) => {
      if (p.dest === out && p.phase === 'predicting' && last === 0) last = performance.now()
    }
    const timer = setInterval(() => {
      if (last === 0) return
      const now = performance.now()
      worstGap = Math.max(worstGap, now - last)
      last = now
    }, 10)
    try {
      expect(await preds.exportSplit(heavy, 'all', out)).toEqual({ dir: out, count: all.length })
    } finally {
      clearInterval(timer)
      onProgress = () => {}
    }
    expect(last).toBeGreaterThan(0)
    // One batch of this model on this thread took ~490 ms; the worker keeps every gap far below
    // that (≤ 75 ms seen at load 9.5). 400 ms leaves room for a loaded CI machine and still fails
    // main-thread prediction.
    expect(worstGap).toBeLessThan(400)
    const mine = progress.filter((p) => p.dest === out)
    expect(mine[0]).toMatchObject({ runId: heavy, split: 'all', phase: 'loading', done: 0, total: all.length })
    expect(mine.some((p) => p.phase === 'predicting' && p.done > 0 && p.done < all.length)).toBe(true)
    expect(mine.at(-1)).toMatchObject({ phase: 'done', done: all.length, error: null })
    expect(readdirSync(trimapsIn(out)).sort()).toEqual(all.map((i) => `${i.name}.png`).sort())
    const img = all[0]!
    const meta = await sharp(join(trimapsIn(out), `${img.name}.png`)).metadata()
    expect([meta.width, meta.height, meta.channels]).toEqual([img.width, img.height, 1])
  }, 60_000)

  it('stops when the service is closed, leaving nothing in the destination', async () => {
    const out = join(dir, 'pred-cancelled')
    // Closed as soon as the first batch is written: the worker is busy with the next one.
    onProgress = (p) => p.dest === out && p.phase === 'predicting' && p.done > 0 && void preds.close()
    await expect(preds.exportSplit(heavy, 'all', out)).rejects.toThrow(/was cancelled: the app is closing/)
    onProgress = () => {}
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(dir).filter((f) => f.includes('.partial-'))).toEqual([])
    const mine = progress.filter((p) => p.dest === out)
    expect(mine.at(-1)).toMatchObject({ phase: 'cancelled', error: null })
    expect(mine.at(-1)!.done).toBeLessThan(mine.at(-1)!.total)
  }, 60_000)
})
