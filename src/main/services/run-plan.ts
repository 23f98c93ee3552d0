// Checks a run before it is queued — every reason it cannot work, in words — and fixes what it will
// train on: the normalised config and the seeded manifest of image names.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { type BackendReport, PAPER_SIMCLR_AUGMENT } from '../../shared/training-protocol'
import type { PlanMemory, RunConfig, RunManifest, RunPlan } from '../../shared/types/runs'
import type { RunsRepo } from '../db/repositories/runs-repo'
import { chooseManifest, datasetImages } from '../training/host/data/from-dataset'
import { largestBatch, largestTensorBytes, memoryBudget, memoryProblem, type StepShape, stepBytes } from '../training/host/memory-estimate'
import { channelsOf } from '../training/worker/models/unet'
import type { DatasetService } from './dataset-service'

export interface PlanDeps {
  datasets: DatasetService
  repo: RunsRepo
  /** The backend a run forcing `force` (or none) would get; rejects when none loads. */
  backend(force?: RunConfig['backend']): Promise<BackendReport>
}

export interface Planned {
  plan: RunPlan
  config: RunConfig
  manifest: RunManifest
}

export async function planRun(deps: PlanDeps, input: RunConfig): Promise<Planned> {
  const problems: string[] = []
  const config = normalise(deps, input, problems)
  const backend = await backendOrProblem(deps, config, problems)
  let manifest: RunManifest = { train: [], eval: [] }
  let labelledPool = 0
  let totalImages = 0
  if (deps.datasets.dataset(config.datasetId)) {
    const choice = chooseManifest(datasetImages(deps.datasets, config.datasetId), config.kind, config.labels, config.seed, config.split)
    manifest = choice.manifest
    labelledPool = choice.labelledPool
    totalImages = choice.totalImages
    problems.push(...choice.problems)
    parentSawEval(deps, config, manifest, problems)
  } else {
    problems.push(`no dataset with id ${config.datasetId}: open it first`)
  }
  sizeProblems(config, problems)
  if (config.kind === 'pretrain' && config.method === 'simclr' && Math.min(config.batchSize, manifest.train.length) < 2 && manifest.train.length > 0) {
    problems.push('SimCLR needs at least 2 images per batch (its negatives are the other images of the batch)')
  }
  const notes: string[] = []
  const memory = backend.threads > 0 ? planMemory(config, backend, problems, notes) : undefined
  const plan: RunPlan = {
    ok: problems.length === 0,
    problems,
    labelledPool,
    totalImages,
    trainCount: manifest.train.length,
    evalCount: manifest.eval.length,
    backend,
    ...(memory ? { memory } : {}),
    ...(notes.length ? { notes } : {}),
  }
  return { plan, config, manifest }
}

/**
 * The step's memory on the chosen backend. A paper batch the backend cannot hold becomes the largest
 * that fits, said in a note (never silently); any other batch that does not fit is a problem.
 */
export function planMemory(config: RunConfig, backend: BackendReport, problems: string[], notes: string[]): PlanMemory {
  const maxBuffer = backend.name === 'webgpu' ? backend.adapter?.maxBufferBytes : undefined
  const shape = (): StepShape => ({ ...config, channels: channelsOf(config) })
  const maxBatch = largestBatch(shape(), backend.name, maxBuffer)
  if (config.paperBatch && maxBatch !== null && maxBatch >= 1 && maxBatch < config.batchSize) {
    notes.push(`paper asks for ${config.batchSize}, ${backend.name} holds at most ${maxBatch}: using ${maxBatch}`)
    config.batchSize = maxBatch
  }
  const mem = memoryProblem(shape(), backend.name, maxBuffer)
  if (mem) problems.push(mem)
  const budget = memoryBudget(backend.name)
  return {
    stepBytes: stepBytes(shape()),
    where: backend.name === 'webgpu' || backend.name === 'tfjs-node-gpu' ? 'gpu' : 'ram',
    ...(budget !== null ? { budgetBytes: budget } : {}),
    ...(backend.name === 'webgpu' ? { largestTensorBytes: largestTensorBytes(shape()) } : {}),
    ...(maxBuffer !== undefined ? { maxBufferBytes: maxBuffer } : {}),
    ...(maxBatch !== null ? { maxBatch } : {}),
  }
}

/** Finetunes take their parent's method; impossible combinations become problems. */
function normalise(deps: PlanDeps, input: RunConfig, problems: string[]): RunConfig {
  // The split is recorded with every run, so "official" is said rather than implied by its absence.
  const config: RunConfig = { ...input, split: input.split ?? 'official', parentRunId: input.parentRunId ?? null }
  // What SimCLR's views will be is recorded with the run; no other run augments.
  if (config.kind === 'pretrain' && config.method === 'simclr') config.augment = config.augment ?? { ...PAPER_SIMCLR_AUGMENT }
  else delete config.augment
  if (config.kind === 'pretrain') {
    if (config.method === 'none') problems.push('pretraining needs a method: simclr, mae-patch, mae-pixel or mae-none')
    if (config.parentRunId !== null) problems.push('a pretraining run cannot have a parent run')
    if (config.keep === 'best') problems.push('keeping the best epoch needs held-out foreground IoU, which pretraining has not: keep the last epoch')
    delete config.labels
    return config
  }
  const parentId = config.parentRunId
  if (parentId === null || parentId === undefined) {
    if (config.method !== 'none') {
      problems.push(`finetuning from a ${config.method} encoder needs its pretraining run: choose one, or use the pipeline`)
    }
    return config
  }
  const parent = deps.repo.get(parentId)
  if (!parent) {
    problems.push(`parent run #${parentId} does not exist`)
    return config
  }
  const p = parent.summary
  config.method = p.config.method
  if (p.kind !== 'pretrain') problems.push(`parent run #${p.id} is a finetune, not a pretraining run`)
  if (p.status === 'failed' || p.status === 'cancelled') {
    problems.push(`parent run #${p.id} ${p.status === 'failed' ? `failed${p.error ? `: ${p.error}` : ''}` : 'was cancelled'}; retry it first`)
  }
  if (p.status === 'done' && (!parent.checkpointDir || !existsSync(join(parent.checkpointDir, 'encoder.json')))) {
    problems.push(`parent run #${p.id} finished but its encoder checkpoint is missing`)
  }
  const mine = channelsOf(config).join(', ')
  const theirs = channelsOf(p.config).join(', ')
  if (mine !== theirs) {
    problems.push(`parent run #${p.id}'s encoder does not fit: it has channels [${theirs}], this run's U-Net [${mine}]`)
  }
  return config
}

/**
 * Under the paper split the held-out images depend on the seed: a finetune whose parent pretrained on
 * any of them (another seed, or the official split) would be scored on images its encoder has seen.
 */
function parentSawEval(deps: PlanDeps, config: RunConfig, manifest: RunManifest, problems: string[]): void {
  if (config.kind !== 'finetune' || config.split !== 'paper' || !config.parentRunId) return
  const parent = deps.repo.get(config.parentRunId)
  if (!parent) return
  const seen = new Set(parent.manifest.train)
  const overlap = manifest.eval.filter((n) => seen.has(n)).length
  if (overlap > 0) {
    problems.push(
      `parent run #${parent.summary.id} pretrained on ${overlap} of this run's ${manifest.eval.length} held-out images: under the paper split, pretrain with the same seed and split`,
    )
  }
}

function sizeProblems(config: RunConfig, problems: string[]): void {
  const levels = channelsOf(config).length
  const div = 2 ** (levels - 1)
  const check = (what: string, size: number): void => {
    if (size % div !== 0) problems.push(`${what} ${size} is not a multiple of ${div}, which a ${levels}-level U-Net needs`)
  }
  check('image size', config.imageSize)
  if (config.kind === 'pretrain' && config.method === 'simclr') check('SimCLR view size', config.simclrSize)
}

async function backendOrProblem(deps: PlanDeps, config: RunConfig, problems: string[]): Promise<BackendReport> {
  try {
    return await deps.backend(config.backend)
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err)
    problems.push(`no backend can run it: ${reason}`)
    return { name: config.backend ?? 'none', threads: 0, attempts: [{ backend: config.backend ?? 'any', ok: false, reason }] }
  }
}
