// Run bundles: a finished run exported as a folder any TensorFlow.js (and, through
// tensorflowjs_converter, Keras) user can load, and such a folder imported back as a finished run. The
// files are run-bundle.ts's, the model conversion runs in a worker, the new run enters by RunsService.adopt.
import { rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { AppError } from '../../shared/errors'
import type { RunDetail, RunSummary } from '../../shared/types/runs'
import { exportTopology, importModel } from '../training/host/convert-client'
import type { WorkerOptions } from '../training/host/worker-client'
import type { BackendName } from '../training/worker/backend'
import type { DatasetService } from './dataset-service'
import type { ManifestFile } from './export/bundle-files'
import { adoptedRun, type BundleDataset, readRunBundle, writeRunBundle } from './export/run-bundle'
import type { RunsService } from './runs-service'

export interface ExportServiceOptions {
  runs: RunsService
  datasets: DatasetService
  /** Where imported checkpoints are prepared (beside their final place, so moving one is a rename). */
  runsDir: string
  /** Backend and wasm threads of the worker that converts models (default: fastest, 1 thread). */
  backend?: BackendName
  wasmThreads?: number
  worker?: WorkerOptions
}

export class ExportService {
  constructor(private readonly o: ExportServiceOptions) {}

  /** Writes run `id` as a new folder `destDir` (which must not exist or be empty); returns its path. */
  async exportRun(id: number, destDir: string): Promise<{ dir: string }> {
    const run = this.o.runs.get(id)
    const dest = resolve(destDir)
    await writeRunBundle(run, this.datasetOf(run), dest, (topology) => exportTopology(topology, this.o))
    return { dir: dest }
  }

  /** Validates an exported folder and adds it as a new finished run; refuses with the file and the reason. */
  async importRun(dir: string, datasetId?: number): Promise<RunSummary> {
    const src = resolve(dir)
    const bundle = await readRunBundle(src)
    const target = this.datasetFor(bundle.manifest, datasetId)
    const tmp = join(this.o.runsDir, `.import-${process.pid}-${Date.now()}`)
    try {
      const weightSpecs = bundle.model.weightsManifest.flatMap((g) => g.weights)
      const model = { topology: bundle.model.modelTopology, weightSpecs, weights: bundle.weights }
      await importModel({ ...model, config: bundle.config.config, outDir: tmp, source: join(src, 'model.json') }, this.o)
      return this.o.runs.adopt(adoptedRun(bundle, target, tmp))
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  }

  private datasetOf(run: RunDetail): BundleDataset {
    const d = this.o.datasets.dataset(run.config.datasetId)
    return { name: d?.name ?? `dataset #${run.config.datasetId}`, root: d?.root ?? null, isDemo: d?.isDemo ?? false }
  }

  /** The dataset an imported run belongs to: the one asked for, the one of the same name, or the current one. */
  private datasetFor(manifest: ManifestFile, datasetId?: number): number {
    const ds = this.o.datasets
    if (datasetId !== undefined) {
      if (!ds.dataset(datasetId)) throw new AppError('NOT_FOUND', `no dataset with id ${datasetId}`)
      return datasetId
    }
    const same = ds.list().find((d) => d.name === manifest.dataset.name)
    const chosen = same ?? ds.current()
    if (!chosen) throw new AppError('BAD_INPUT', 'open a dataset first: an imported run is listed with a dataset')
    return chosen.id
  }
}
