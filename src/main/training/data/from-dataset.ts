// Which images of an indexed dataset a run uses (its manifest of image names) and the transferable
// pixel buffers for the worker, read from the dataset service's resized cache (no JPEG decoding here).
import { AppError } from '../../../shared/errors'
import type { TrainingData } from '../../../shared/training-protocol'
import type { Split } from '../../../shared/types/dataset'
import type { LabelBudget, RunKind, RunManifest } from '../../../shared/types/runs'
import type { DatasetService } from '../../services/dataset-service'
import { holdOut, labelledSubset } from './sampling'

export interface DatasetImage {
  id: number
  name: string
  split: Split
  /** Has a human label (from the release or the editor); a model's prediction does not count. */
  labelled: boolean
  broken: boolean
}

/** Fraction of the labelled pool held out for evaluation when the dataset has no labelled test split. */
export const HOLD_OUT_FRACTION = 0.1
// Fixed, so the held-out images are the same for every method and seed of a comparison.
const HOLD_OUT_SEED = 0

export function datasetImages(datasets: DatasetService, datasetId: number): DatasetImage[] {
  return datasets.listImages({ datasetId }).map((i) => ({
    id: i.id,
    name: i.name,
    split: i.split,
    labelled: i.label === 'original' || i.label === 'edited',
    broken: i.broken,
  }))
}

export interface ManifestChoice {
  manifest: RunManifest
  /** Labelled images a finetune could draw from (after any hold-out). */
  labelledPool: number
  problems: string[]
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
const names = (imgs: DatasetImage[]): string[] => imgs.map((i) => i.name).sort(byName)

/**
 * Pretrain: every decodable image outside the test split, labelled or not (the evaluation images stay
 * unseen). Finetune: a seeded subset of the labelled trainval pool, evaluated on the labelled test split
 * or, without one, on a fixed seeded hold-out of the pool. Depends only on the images, budget and seed.
 */
export function chooseManifest(images: DatasetImage[], kind: RunKind, labels: LabelBudget | undefined, seed: number): ManifestChoice {
  const usable = images.filter((i) => !i.broken)
  if (kind === 'pretrain') {
    const train = names(usable.filter((i) => i.split !== 'test'))
    const problems = train.length === 0 ? ['the dataset has no decodable images outside the test split to pretrain on'] : []
    return { manifest: { train, eval: [] }, labelledPool: usable.filter((i) => i.labelled).length, problems }
  }
  const labelled = usable.filter((i) => i.labelled)
  const hasTrainval = images.some((i) => i.split === 'trainval')
  let pool = names(labelled.filter((i) => (hasTrainval ? i.split === 'trainval' : i.split !== 'test')))
  let evalSet = names(labelled.filter((i) => i.split === 'test'))
  const problems: string[] = []
  if (evalSet.length === 0 && pool.length >= 2) {
    const split = holdOut(pool.map((_, k) => k), HOLD_OUT_FRACTION, HOLD_OUT_SEED)
    evalSet = split.test.map((k) => pool[k]!)
    pool = split.train.map((k) => pool[k]!)
  }
  if (pool.length === 0) problems.push(`no labelled images to finetune on: the ${hasTrainval ? 'trainval split' : 'dataset'} has no decodable image with a trimap`)
  else if (evalSet.length === 0) problems.push('no images to evaluate on: label at least 2 images, or some test-split images')
  if (!labels) problems.push('a finetune needs a label budget: N images or a fraction')
  if (problems.length > 0 || !labels) return { manifest: { train: [], eval: evalSet }, labelledPool: pool.length, problems }
  if (labels.mode === 'count' && labels.count > pool.length) {
    problems.push(`asked for ${labels.count} labelled images but the labelled pool holds only ${pool.length}`)
    return { manifest: { train: [], eval: evalSet }, labelledPool: pool.length, problems }
  }
  const spec = labels.mode === 'count' ? { count: labels.count } : { fraction: labels.fraction }
  const chosen = labelledSubset(pool.map((_, k) => k), spec, seed).indices.map((k) => pool[k]!)
  return { manifest: { train: chosen, eval: evalSet }, labelledPool: pool.length, problems }
}

export interface BuiltData {
  data: TrainingData
  trainIndices: number[]
  evalIndices: number[]
}

/** Pixels of the manifest's images (train first, then eval) at size×size, from the resized cache. */
export async function buildTrainingData(
  datasets: DatasetService,
  datasetId: number,
  manifest: RunManifest,
  size: number,
  withTrimaps: boolean,
): Promise<BuiltData> {
  const ids = new Map(datasetImages(datasets, datasetId).map((i) => [i.name, i.id]))
  const all = [...manifest.train, ...manifest.eval]
  if (all.length === 0) throw new AppError('BAD_INPUT', 'the run has no images')
  const px = size * size
  const images = new Uint8Array(all.length * px * 3)
  const trimaps = withTrimaps ? new Uint8Array(all.length * px) : null
  const load = async (k: number): Promise<void> => {
    const name = all[k]!
    const id = ids.get(name)
    if (id === undefined) throw new AppError('NOT_FOUND', `image ${name} of the run's manifest is no longer in the dataset`)
    images.set(await datasets.getResized(id, size), k * px * 3)
    if (trimaps) {
      const t = await datasets.getResizedTrimap(id, size)
      if (!t) throw new AppError('BAD_INPUT', `image ${name} of the run's manifest has no trimap any more`)
      trimaps.set(t, k * px)
    }
  }
  await inParallel(all.length, 4, load)
  const nTrain = manifest.train.length
  return {
    data: { size, count: all.length, images: images.buffer, trimaps: trimaps ? trimaps.buffer : null },
    trainIndices: range(0, nTrain),
    evalIndices: range(nTrain, all.length),
  }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => from + k)

/** Runs fn(0…n−1) with at most `limit` in flight; the first failure rejects. */
async function inParallel(n: number, limit: number, fn: (k: number) => Promise<void>): Promise<void> {
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < n) await fn(next++)
  }
  await Promise.all(Array.from({ length: Math.min(limit, n) }, lane))
}
