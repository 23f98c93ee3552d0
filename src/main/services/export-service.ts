// Export and import of runs (issue 5 item 6): a finished run as a folder any TensorFlow.js (and, through
// tensorflowjs_converter, Keras) user can load; such a folder back as a run; the runs table as CSV/JSON;
// a model's predicted trimaps for a split in the release's PNG layout (predicted in a worker, so a large
// split never blocks this thread).
import * as tf from '@tensorflow/tfjs'
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync } from 'node:fs'
import fs from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { PredictionSplit, PredictionsExportProgress } from '../../shared/api'
import { AppError } from '../../shared/errors'
import type { ImageSummary } from '../../shared/types/dataset'
import type { RunDetail, RunSummary } from '../../shared/types/runs'
import type { Db } from '../db/open'
import type { Emit } from '../events'
import { type BackendName, selectBackend } from '../training/backend'
import { encodeTrimapPng } from '../dataset/trimap-file'
import { checkSegmentationCheckpoint } from '../training/eval-checkpoint'
import { saveEncoderWeights, saveModel } from '../training/models/weights-io'
import { predictImages } from '../training/predict-client'
import type { WorkerOptions } from '../training/worker-client'
import type { DatasetService } from './dataset-service'
import {
  type ConfigFile, configFileSchema, checkWeightFiles, EXPORT_FORMAT, EXPORT_VERSION, type ManifestFile,
  manifestFileSchema, type MetricsFile, metricsFileSchema, type ModelFile, modelFileSchema, readJsonFile,
} from './export/bundle-files'
import { adoptWeights, loadExportedModel } from './export/import-model'
import { modelCard } from './export/model-card'
import { runsToCsv, runsToJson } from './export/runs-table'
import { toStandardTopology, type Topology } from './export/standard-topology'
import { checkpointDirOf } from './run-executor'
import type { RunsService } from './runs-service'

export interface ExportServiceOptions {
  db: Db
  runs: RunsService
  datasets: DatasetService
  runsDir: string
  emit: Emit
  /** Backend and wasm threads, for importing here and predicting in the worker (default: fastest, 1 thread). */
  backend?: BackendName
  wasmThreads?: number
  worker?: WorkerOptions
  predictBatchSize?: number
  /** Least milliseconds between two 'runs:exportProgress' events of an export (default 250). */
  progressIntervalMs?: number
}

type Reporter = (change: Partial<PredictionsExportProgress>) => void

const json = (v: unknown): string => JSON.stringify(v, null, 2) + '\n'

export class ExportService {
  private backend: Promise<unknown> | null = null
  /** Running predictions exports, aborted by close(). */
  private readonly exports = new Set<AbortController>()

  constructor(private readonly o: ExportServiceOptions) {}

  // Building or loading a model needs a started tfjs backend in this process; pick one once.
  private ready(): Promise<unknown> {
    this.backend ??= selectBackend({ force: this.o.backend, wasmThreads: this.o.wasmThreads ?? 1 })
    this.backend.catch(() => (this.backend = null))
    return this.backend
  }

  /** Writes run `id` as a new folder `destDir` (which must not exist or be empty); returns its path. */
  async exportRun(id: number, destDir: string): Promise<{ dir: string }> {
    const run = this.o.runs.get(id)
    const ckpt = this.finishedCheckpoint(run)
    const dest = resolve(destDir)
    refuseNonEmpty(dest)
    await this.ready()
    const model = await readJsonFile(ckpt, 'model.json', modelFileSchema)
    const weightFiles = checkWeightFiles(ckpt, model)
    const standard = { ...model, modelTopology: toStandardTopology(model.modelTopology as unknown as Topology), generatedBy: 'unet-ssl-workbench' }
    const dataset = this.o.datasets.datasets.get(run.config.datasetId)
    const files: Record<string, string> = {
      'model.json': JSON.stringify(standard),
      'config.json': json(configFileOf(run)),
      'metrics.json': json({ final: run.metrics, lastLoss: run.lastLoss, epochs: run.epochs } satisfies MetricsFile),
      'manifest.json': json({ dataset: { name: dataset?.name ?? `dataset #${run.config.datasetId}`, root: dataset?.root ?? null, isDemo: dataset?.isDemo ?? false }, ...run.manifest } satisfies ManifestFile),
      'README.md': modelCard(run, dataset?.name ?? `dataset #${run.config.datasetId}`),
    }
    await writeFolder(dest, async (tmp) => {
      try {
        for (const f of weightFiles) await fs.copyFile(join(ckpt, f), join(tmp, f))
        for (const [name, text] of Object.entries(files)) await fs.writeFile(join(tmp, name), text)
      } catch (err) {
        throw new AppError('IO_ERROR', `could not write the export to ${dest}: ${(err as Error).message}`)
      }
    })
    return { dir: dest }
  }

  /** Validates an exported folder and adds it as a new finished run; refuses with the file and the reason. */
  async importRun(dir: string, datasetId?: number): Promise<RunSummary> {
    const src = resolve(dir)
    if (!existsSync(src) || !statSync(src).isDirectory()) throw new AppError('NOT_FOUND', `${src} is not a folder`)
    const model = await readJsonFile(src, 'model.json', modelFileSchema)
    const weightFiles = checkWeightFiles(src, model)
    const cfgFile = await readJsonFile(src, 'config.json', configFileSchema)
    const metrics = await readJsonFile(src, 'metrics.json', metricsFileSchema)
    const manifest = await readJsonFile(src, 'manifest.json', manifestFileSchema)
    const targetDataset = this.datasetFor(manifest, datasetId)
    const weights = await concatFiles(src, weightFiles)
    await this.ready()
    const loaded = await loadExportedModel(model, weights, join(src, 'model.json'))
    const tmp = join(this.o.runsDir, `.import-${process.pid}-${Date.now()}`)
    try {
      const ours = adoptWeights(cfgFile.config, loaded, join(src, 'model.json'))
      try {
        await writeCheckpoint(tmp, ours, cfgFile)
      } finally {
        ours.dispose()
      }
      const id = this.insertDone(cfgFile, metrics, manifest, targetDataset, tmp)
      const summary = this.o.runs.list().find((r) => r.id === id)!
      this.o.emit('runs:changed', summary)
      return summary
    } finally {
      loaded.dispose()
      rmSync(tmp, { recursive: true, force: true })
    }
  }

  /** The runs table for `ids` (in that order), or every run (newest first). */
  exportRunsTable(filter: { ids?: number[]; datasetId?: number }, format: 'csv' | 'json'): { text: string; mime: string } {
    const all = this.o.runs.list(filter.datasetId)
    let rows = all
    if (filter.ids) {
      const byId = new Map(all.map((r) => [r.id, r]))
      const missing = filter.ids.filter((i) => !byId.has(i))
      if (missing.length) throw new AppError('NOT_FOUND', `no run with id ${missing.join(', ')}`)
      rows = filter.ids.map((i) => byId.get(i)!)
    }
    return format === 'csv' ? { text: runsToCsv(rows), mime: 'text/csv' } : { text: runsToJson(rows), mime: 'application/json' }
  }

  /** Predicted trimaps of a finished finetune for a split, as destDir/annotations/trimaps/<name>.png. */
  async exportPredictions(runId: number, split: PredictionSplit, destDir: string): Promise<{ dir: string; count: number }> {
    const run = this.o.runs.get(runId)
    const ckpt = this.finishedCheckpoint(run)
    // Refused here, from model.json alone, before a worker starts.
    checkSegmentationCheckpoint(ckpt)
    const images = this.o.datasets
      .listImages({ datasetId: run.config.datasetId, ...(split === 'all' ? {} : { split }) })
      .filter((i) => !i.broken)
    if (images.length === 0) throw new AppError('BAD_INPUT', `the run's dataset has no readable ${split === 'all' ? '' : `${split} `}images to predict`)
    const dest = resolve(destDir)
    refuseNonEmpty(dest)
    const p: PredictionsExportProgress = { runId, split, dest, phase: 'loading', done: 0, total: images.length, error: null }
    const report = this.reporter(p)
    const abort = new AbortController()
    this.exports.add(abort)
    try {
      await writeFolder(dest, async (tmp) => {
        const finished = await this.predictInto(join(tmp, 'annotations', 'trimaps'), ckpt, images, abort.signal, report)
        if (!finished) throw new AppError('INTERNAL', `the predictions export to ${dest} was cancelled: the app is closing`)
      })
      report({ phase: 'done' })
      return { dir: dest, count: images.length }
    } catch (err) {
      report(abort.signal.aborted ? { phase: 'cancelled' } : { phase: 'failed', error: (err as Error).message })
      throw err
    } finally {
      this.exports.delete(abort)
    }
  }

  /** Predicts `images` in a worker and writes each as out/<name>.png; false when cancelled. */
  private async predictInto(out: string, ckpt: string, images: ImageSummary[], signal: AbortSignal, report: Reporter): Promise<boolean> {
    await fs.mkdir(out, { recursive: true })
    let done = 0
    return predictImages({
      checkpointDir: ckpt, images, resized: (imageId, side) => this.o.datasets.getResized(imageId, side), batchSize: this.o.predictBatchSize ?? 16,
      backend: this.o.backend, wasmThreads: this.o.wasmThreads, worker: this.o.worker, signal,
      onReady: () => report({ phase: 'predicting' }),
      onBatch: async (batch) => {
        await Promise.all(batch.map(async (b) => fs.writeFile(join(out, `${b.image.name}.png`), encodeTrimapPng(b.trimap))))
        done += batch.length
        report({ done })
      },
    })
  }

  /** Cancels running predictions exports (their workers stop, nothing is left in their destinations). */
  close(): void {
    for (const abort of this.exports) abort.abort()
  }

  /** Applies a change to an export's progress and emits it: at once for a phase change, else throttled. */
  private reporter(p: PredictionsExportProgress): Reporter {
    let last = -Infinity
    this.o.emit('runs:exportProgress', { ...p })
    return (change) => {
      const now = performance.now()
      const phaseChange = change.phase !== undefined && change.phase !== p.phase
      Object.assign(p, change)
      if (!phaseChange && now - last < (this.o.progressIntervalMs ?? 250)) return
      last = now
      this.o.emit('runs:exportProgress', { ...p })
    }
  }

  /** The run's checkpoint folder, or why a run cannot be exported. */
  private finishedCheckpoint(run: RunDetail): string {
    if (run.status !== 'done') throw new AppError('BAD_INPUT', `run #${run.id} is ${run.status}: only finished (done) runs can be exported`)
    const dir = run.checkpointDir
    if (!dir || !existsSync(join(dir, 'model.json'))) throw new AppError('NOT_FOUND', `run #${run.id} has no checkpoint (no model.json in ${dir ?? 'its run folder'}): was its folder deleted?`)
    return dir
  }

  /** The dataset an imported run belongs to: the one asked for, the one of the same name, or the current one. */
  private datasetFor(manifest: ManifestFile, datasetId?: number): number {
    const ds = this.o.datasets
    if (datasetId !== undefined) {
      if (!ds.datasets.get(datasetId)) throw new AppError('NOT_FOUND', `no dataset with id ${datasetId}`)
      return datasetId
    }
    const same = ds.list().find((d) => d.name === manifest.dataset.name)
    const chosen = same ?? ds.current()
    if (!chosen) throw new AppError('BAD_INPUT', 'open a dataset first: an imported run is listed with a dataset')
    return chosen.id
  }

  /** One transaction: the row, its epochs and the checkpoint moved into place, or nothing at all. */
  private insertDone(cfg: ConfigFile, metrics: MetricsFile, manifest: ManifestFile, datasetId: number, tmp: string): number {
    const repo = this.o.runs.repo
    return this.o.db.transaction(() => {
      const config = { ...cfg.config, datasetId, parentRunId: null }
      const id = repo.insert({ name: `${cfg.run.name} (imported)`, config, manifest: { train: manifest.train, eval: manifest.eval } }, new Date(cfg.run.createdAt))
      const dir = checkpointDirOf(this.o.runsDir, id)
      repo.setBackend(id, { name: cfg.run.backend ?? 'unknown', threads: 0, attempts: [] }, dir)
      for (const e of metrics.epochs) repo.addEpoch(id, e)
      repo.finish(id, { metrics: metrics.final }, cfg.run.finishedAt ? new Date(cfg.run.finishedAt) : new Date())
      repo.setStatus(id, 'done', { startedAt: cfg.run.startedAt ?? undefined })
      rmSync(dir, { recursive: true, force: true })
      renameSync(tmp, dir)
      return id
    })()
  }
}

function configFileOf(run: RunDetail): ConfigFile {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    run: { id: run.id, name: run.name, kind: run.kind, backend: run.backend, parentRunId: run.parentRunId, createdAt: run.createdAt, startedAt: run.startedAt, finishedAt: run.finishedAt },
    config: run.config,
  }
}

/**
 * Fills a folder beside dest and renames it into place, so a failure (or cancel) never leaves a
 * half-written export behind; dest must be missing or empty (refuseNonEmpty).
 */
async function writeFolder(dest: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${dest}.partial-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  try {
    mkdirSync(tmp, { recursive: true })
    await fill(tmp)
    // rmdir, not rm -r: if something wrote into dest since the check, this fails instead of deleting it.
    if (existsSync(dest)) rmdirSync(dest)
    renameSync(tmp, dest)
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true })
    throw err instanceof AppError ? err : new AppError('IO_ERROR', `could not write the export to ${dest}: ${(err as Error).message}`)
  }
}

function refuseNonEmpty(dest: string): void {
  if (!existsSync(dest)) return
  if (!statSync(dest).isDirectory()) throw new AppError('BAD_INPUT', `${dest} exists and is not a folder`)
  if (readdirSync(dest).length > 0) throw new AppError('BAD_INPUT', `${dest} is not empty: choose a new or empty folder (nothing is overwritten)`)
}

async function concatFiles(dir: string, files: string[]): Promise<ArrayBuffer> {
  const parts = await Promise.all(files.map((f) => fs.readFile(join(dir, f))))
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  parts.reduce((off, p) => (out.set(p, off), off + p.length), 0)
  return out.buffer
}

/** Our checkpoint layout for an imported run: the model, plus encoder weights a finetune can start from. */
async function writeCheckpoint(dir: string, model: tf.LayersModel, cfg: ConfigFile): Promise<void> {
  // No progress.json or optimizer state: a finished run is never resumed, only exported or finetuned from.
  await saveModel(model, dir)
  if (cfg.config.kind === 'pretrain') await saveEncoderWeights(model, dir)
}
