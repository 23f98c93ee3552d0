// A run as a folder and back (the run bundle): what an exported folder holds and says, and reading such
// a folder into what RunsService.adopt takes. No services and no tfjs here: the model's own conversion
// is passed in (it runs in a worker, training/host/convert-client.ts).
import { existsSync, statSync } from 'node:fs'
import fs from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../../shared/errors'
import type { RunDetail } from '../../../shared/types/runs'
import type { AdoptedRun } from '../runs-service'
import { contentHash } from './content-hash'
import {
  type ConfigFile, configFileSchema, checkWeightFiles, EXPORT_FORMAT, EXPORT_VERSION, type ManifestFile,
  manifestFileSchema, type MetricsFile, metricsFileSchema, type ModelFile, modelFileSchema, readJsonFile,
} from './bundle-files'
import { refuseNonEmpty, writeFolder } from './dest-folder'
import { modelCard } from './model-card'

/** The dataset a bundle names: where the run was trained. */
export interface BundleDataset {
  name: string
  root: string | null
  isDemo: boolean
}

/** A bundle read back and checked: its files, and the weights as one buffer. */
export interface RunBundle {
  model: ModelFile
  config: ConfigFile
  metrics: MetricsFile
  manifest: ManifestFile
  weights: ArrayBuffer
  /** content-hash.ts's hash of config, manifest and weights, recomputed from the files (a stated one could be edited). */
  contentHash: string
}

const json = (v: unknown): string => JSON.stringify(v, null, 2) + '\n'

/** The run's checkpoint folder, or why a run cannot be exported. */
export function finishedCheckpoint(run: RunDetail): string {
  if (run.status !== 'done') throw new AppError('BAD_INPUT', `run #${run.id} is ${run.status}: only finished (done) runs can be exported`)
  const dir = run.checkpointDir
  if (!dir || !existsSync(join(dir, 'model.json'))) throw new AppError('NOT_FOUND', `run #${run.id} has no checkpoint (no model.json in ${dir ?? 'its run folder'}): was its folder deleted?`)
  return dir
}

/**
 * Writes the bundle of a finished run to dest (new or empty): its weight files copied unchanged, its
 * model.json with the topology `standardize` returns, config, metrics, manifest and model card.
 */
export async function writeRunBundle(run: RunDetail, dataset: BundleDataset, dest: string, standardize: (topology: unknown) => Promise<unknown>): Promise<void> {
  const ckpt = finishedCheckpoint(run)
  refuseNonEmpty(dest)
  const model = await readJsonFile(ckpt, 'model.json', modelFileSchema)
  const weightFiles = checkWeightFiles(ckpt, model)
  const weights = await Promise.all(weightFiles.map((f) => fs.readFile(join(ckpt, f))))
  const hash = contentHash(run.config, run.manifest, weights)
  const files = bundleTexts(run, dataset, { ...model, modelTopology: await standardize(model.modelTopology), generatedBy: 'unet-ssl-workbench' }, hash)
  await writeFolder(dest, async (tmp) => {
    try {
      for (const [i, f] of weightFiles.entries()) await fs.writeFile(join(tmp, f), weights[i]!)
      for (const [name, text] of Object.entries(files)) await fs.writeFile(join(tmp, name), text)
    } catch (err) {
      throw new AppError('IO_ERROR', `could not write the export to ${dest}: ${(err as Error).message}`)
    }
  })
}

/** The bundle's text files, by name. */
export function bundleTexts(run: RunDetail, dataset: BundleDataset, model: object, hash?: string): Record<string, string> {
  return {
    'model.json': JSON.stringify(model),
    'config.json': json(configFileOf(run, hash)),
    'metrics.json': json({ final: run.metrics, lastLoss: run.lastLoss, epochs: run.epochs } satisfies MetricsFile),
    'manifest.json': json({ dataset, ...run.manifest } satisfies ManifestFile),
    'README.md': modelCard(run, dataset.name),
  }
}

function configFileOf(run: RunDetail, hash?: string): ConfigFile {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    run: {
      id: run.id, name: run.name, kind: run.kind, backend: run.backend, parentRunId: run.parentRunId, createdAt: run.createdAt, startedAt: run.startedAt,
      finishedAt: run.finishedAt, ...(hash ? { contentHash: hash } : {}),
    },
    config: run.config,
  }
}

/** Reads and checks an exported folder; refuses with the file and the reason. */
export async function readRunBundle(dir: string): Promise<RunBundle> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new AppError('NOT_FOUND', `${dir} is not a folder`)
  const model = await readJsonFile(dir, 'model.json', modelFileSchema)
  const weightFiles = checkWeightFiles(dir, model)
  const config = await readJsonFile(dir, 'config.json', configFileSchema)
  const metrics = await readJsonFile(dir, 'metrics.json', metricsFileSchema)
  const manifest = await readJsonFile(dir, 'manifest.json', manifestFileSchema)
  const parts = await Promise.all(weightFiles.map((f) => fs.readFile(join(dir, f))))
  const weights = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  parts.reduce((off, p) => (weights.set(p, off), off + p.length), 0)
  // Hashed now: the weights' buffer is handed to the conversion worker, which detaches it.
  return { model, config, metrics, manifest, weights: weights.buffer, contentHash: contentHash(config.config, manifest, [weights]) }
}

/** What RunsService.adopt takes for bundle `b` imported into dataset `datasetId`, its checkpoint in `checkpoint`. */
export function adoptedRun(b: RunBundle, datasetId: number, checkpoint: string): AdoptedRun {
  const r = b.config.run
  return {
    name: `${r.name} (imported)`,
    config: { ...b.config.config, datasetId, parentRunId: null },
    manifest: { train: b.manifest.train, eval: b.manifest.eval },
    createdAt: new Date(r.createdAt),
    startedAt: r.startedAt,
    finishedAt: r.finishedAt ? new Date(r.finishedAt) : new Date(),
    backend: r.backend ?? 'unknown',
    epochs: b.metrics.epochs,
    metrics: b.metrics.final,
    checkpoint,
    contentHash: b.contentHash,
  }
}
