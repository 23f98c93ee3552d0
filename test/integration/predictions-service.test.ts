// PredictionsService against a real SQLite file, the demo dataset (some trimaps removed) and a tiny
// finetune trained in a real worker: predictions for both scopes, the two queues' order, re-measuring
// after an edit, accepting a prediction as a label, and clear refusals for runs that cannot predict.
import { datasetImages } from '../../src/main/training/host/data/from-dataset'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../src/main/dataset/demo/generate'
import { decodeTrimap } from '../../src/main/dataset/image-cache'
import { openDatabase, type Db } from '../../src/main/db/open'
import { DatasetService } from '../../src/main/services/dataset-service'
import { LabelsService } from '../../src/main/services/labels-service'
import { disagreement } from '../../src/main/services/prediction-scores'
import { PredictionsService } from '../../src/main/services/predictions-service'
import { RunsService } from '../../src/main/services/runs-service'
import type { PredictionProgress } from '../../src/shared/types/predictions'
import type { RunConfig } from '../../src/shared/types/runs'

let dir: string
let db: Db
let datasets: DatasetService
let labels: LabelsService
let runs: RunsService
let preds: PredictionsService
let datasetId: number
let runId: number
const progress: PredictionProgress[] = []

const tiny = (over: Partial<RunConfig> = {}): RunConfig => ({
  kind: 'finetune', datasetId, method: 'none', labels: { mode: 'count', count: 4 }, frozenEncoder: false, skips: true,
  epochs: 1, batchSize: 4, imageSize: 32, simclrSize: 16, learningRate: 0.01, seed: 1, channels: [4, 8], ...over,
})

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-preds-'))
  const root = join(dir, 'pets')
  await generateDemo({ out: root, count: 37, seed: 5 })
  // Every third trimap removed before indexing: those images are unlabelled.
  const trimaps = join(root, 'annotations/trimaps')
  readdirSync(trimaps).sort().forEach((f, k) => k % 3 === 0 && rmSync(join(trimaps, f)))
  db = openDatabase(join(dir, 'data/workbench.sqlite'))
  datasets = new DatasetService({ db, cacheDir: join(dir, 'data/cache'), demoDir: join(dir, 'data/demo') })
  datasetId = (await datasets.open(root)).datasetId
  labels = new LabelsService({ datasets, user: 'tester' })
  runs = new RunsService({ db, datasets, runsDir: join(dir, 'data/runs'), wasmThreads: 1, emit: () => {} })
  runs.start()
  runId = (await runs.enqueue(tiny())).id
  expect((await runs.waitFor(runId)).status).toBe('done')
  preds = new PredictionsService({
    db, runs, datasets, labels, predictionsDir: join(dir, 'data/predictions'), wasmThreads: 1, batchSize: 4,
    progressIntervalMs: 0, emit: (_, p) => progress.push(p as PredictionProgress),
  })
})

afterAll(async () => {
  await preds?.close()
  await runs?.close()
  datasets?.close()
  db?.close()
  rmSync(dir, { recursive: true, force: true })
})

const readable = (label: 'labelled' | 'unlabelled') => datasets.listImages({ datasetId, label }).filter((i) => !i.broken)

describe('PredictionsService', () => {
  it('predicts labelled images in the worker, outside the dataset, and ranks them by disagreement', async () => {
    const want = readable('labelled')
    const { jobId, count } = preds.start(runId, datasetId, 'labelled')
    expect(count).toBe(want.length)
    const end = await preds.waitFor(jobId)
    expect(end).toMatchObject({ phase: 'done', done: count, total: count, error: null })
    const mine = progress.filter((p) => p.jobId === jobId)
    expect(mine[0]!.phase).toBe('loading')
    expect(mine.some((p) => p.phase === 'predicting' && p.done > 0 && p.done < count)).toBe(true)
    expect(mine.at(-1)!.phase).toBe('done')

    const one = want[0]!
    const pred = (await preds.get(runId, one.id))!
    expect(pred).toMatchObject({ width: one.width, height: one.height })
    expect(pred.data.every((v) => v >= 1 && v <= 3)).toBe(true)
    expect(existsSync(join(dir, 'data/predictions', String(runId), `${one.name}.png`))).toBe(true)
    // The dataset's trimap is untouched.
    expect(datasets.getImage(one.id).label).toBe('original')

    const queue = await preds.recheck(datasetId, runId, 1000)
    const comparable = want.filter((i) => datasets.getImage(i.id).problems.length === 0)
    expect(queue.length).toBeGreaterThanOrEqual(comparable.length)
    for (let k = 1; k < queue.length; k++) expect(queue[k]!.score).toBeLessThanOrEqual(queue[k - 1]!.score)
    // The score is 1 − mean IoU of the prediction against the stored trimap, worked out here again.
    const top = queue[0]!
    const truth = (await datasets.getTrimap(top.image.id))!
    expect(top.score).toBeCloseTo(disagreement((await preds.get(runId, top.image.id))!.data, truth.data), 10)
    expect(await preds.recheck(datasetId, runId, 2)).toHaveLength(Math.min(2, queue.length))
    // Nothing unlabelled was predicted yet.
    expect(preds.labelNext(datasetId, runId)).toEqual([])
  })

  it('re-measures a label edited since the prediction: saving the prediction drops it to the bottom', async () => {
    const [top] = await preds.recheck(datasetId, runId, 1)
    expect(top!.score).toBeGreaterThan(0)
    await labels.save(top!.image.id, (await preds.get(runId, top!.image.id))!)
    const after = await preds.recheck(datasetId, runId, 1000)
    expect(after.find((q) => q.image.id === top!.image.id)!.score).toBe(0)
    expect(after.at(-1)!.score).toBe(0)
  })

  it('predicts unlabelled images into a least-confident-first queue, and accepts one as a predicted label', async () => {
    const want = readable('unlabelled')
    expect(want.length).toBeGreaterThan(2)
    const { jobId } = preds.start(runId, datasetId, 'unlabelled')
    expect((await preds.waitFor(jobId)).phase).toBe('done')
    const queue = preds.labelNext(datasetId, runId, 1000)
    expect(queue.map((q) => q.image.id).sort()).toEqual(want.map((i) => i.id).sort())
    for (const q of queue) expect(q.score).toBeGreaterThanOrEqual(1 / 3 - 1e-6)
    for (let k = 1; k < queue.length; k++) expect(queue[k]!.score).toBeGreaterThanOrEqual(queue[k - 1]!.score)
    expect(preds.labelNext(datasetId, runId, 2).map((q) => q.image.id)).toEqual(queue.slice(0, 2).map((q) => q.image.id))

    const first = queue[0]!.image
    const pred = (await preds.get(runId, first.id))!
    const detail = await preds.accept(runId, first.id)
    expect(detail.label).toBe('predicted')
    const ds = datasets.dataset(datasetId)!
    const onDisk = await decodeTrimap(join(ds.root, 'annotations/trimaps', `${first.name}.png`))
    expect(onDisk).toEqual(pred)
    expect(preds.labelNext(datasetId, runId, 1000).map((q) => q.image.id)).not.toContain(first.id)
    // One meaning of "labelled" for the browser's filter and counts and for training: a person's trimap.
    expect(datasets.listImages({ datasetId, label: 'labelled' }).map((i) => i.id)).not.toContain(first.id)
    expect(datasets.listImages({ datasetId, label: 'predicted' }).map((i) => i.id)).toEqual([first.id])
    expect(datasets.facets({ datasetId }).label.predicted).toBe(1)
    expect(datasetImages(datasets, datasetId).find((i) => i.id === first.id)).toMatchObject({ labelled: false })
  })

  it('runs one job at a time and cancels one while it predicts or loads', async () => {
    const { jobId, count } = preds.start(runId, datasetId, 'all')
    expect(() => preds.start(runId, datasetId, 'labelled')).toThrow(new RegExp(`job #${jobId} is still running`))
    for (let i = 0; i < 500 && !progress.some((p) => p.jobId === jobId && p.phase === 'predicting'); i++) await new Promise((r) => setTimeout(r, 20))
    await preds.cancel(jobId)
    const end = await preds.waitFor(jobId)
    expect(end.phase).toBe('cancelled')
    expect(end.done).toBeLessThan(count)
    expect(progress.filter((p) => p.jobId === jobId).at(-1)!.phase).toBe('cancelled')
    // Free again; a job cancelled while its worker still loads ends at once.
    const again = preds.start(runId, datasetId, 'labelled')
    await preds.cancel(again.jobId)
    expect(await preds.waitFor(again.jobId)).toMatchObject({ phase: 'cancelled', done: 0, error: null })
  })

  it('refuses runs that cannot predict, with the reason', async () => {
    expect(() => preds.start(999, datasetId, 'all')).toThrow(/999/)
    const pre = runs.repo.insert({ name: 'pre', config: tiny({ kind: 'pretrain', method: 'simclr', labels: undefined }), manifest: { train: [], eval: [] } })
    expect(() => preds.start(pre, datasetId, 'all')).toThrow(/pretraining run: predictions need a finished finetune run/)
    const queued = runs.repo.insert({ name: 'q', config: tiny(), manifest: { train: [], eval: [] } })
    runs.repo.setStatus(queued, 'failed', { error: 'x' })
    expect(() => preds.start(queued, datasetId, 'all')).toThrow(/is failed: predictions need a finished \(done\) finetune run/)
    expect(() => preds.start(runId, datasetId + 100, 'all')).toThrow(/trained on dataset/)
    await expect(preds.accept(runId, readable('labelled')[0]!.id + 100_000)).rejects.toThrow(/no prediction/)
  })
})
