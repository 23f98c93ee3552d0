// Which images of an indexed dataset a run uses (its manifest of image names) and the transferable
// pixel buffers for the worker, read from the dataset service's resized cache (no JPEG decoding here).
import { AppError } from '../../../../shared/errors'
import { isHumanLabel, type Split } from '../../../../shared/types/dataset'
import { runPool } from '../../../dataset/pool'
import type { DataSplit, LabelBudget, RunKind, RunManifest } from '../../../../shared/types/runs'
import type { DatasetService } from '../../../services/dataset-service'
import { holdOut, labelledSubset, PAPER_TRAIN_FRACTION, paperSplit, shareOfTotal, type SubsetSpec } from '../../worker/data/sampling'

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
    labelled: isHumanLabel(i.label),
    broken: i.broken,
  }))
}

export interface ManifestChoice {
  manifest: RunManifest
  /** Labelled images a finetune could draw from (after any hold-out). */
  labelledPool: number
  /** Decodable images in the dataset, labelled or not: the paper split's "total dataset". */
  totalImages: number
  problems: string[]
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
const names = (imgs: DatasetImage[]): string[] => imgs.map((i) => i.name).sort(byName)

/** The two sides of a split: images a run may train on (labelled or not) and labelled held-out images. */
interface Sides {
  train: DatasetImage[]
  eval: string[]
  /** Where the training side comes from, for problems ("the trainval split"). */
  where: string
}

/**
 * Official: trainval (or everything outside test) against the labelled test split, or without one a
 * fixed seeded hold-out of the labelled pool. Paper (§2.2): a 90/10 split of every decodable image,
 * seeded by the run's seed, so each seed is one repetition of the paper's protocol.
 */
function splitSides(usable: DatasetImage[], all: DatasetImage[], split: DataSplit, seed: number): Sides {
  if (split === 'paper') {
    const sorted = [...usable].sort((a, b) => byName(a.name, b.name))
    const parts = paperSplit(sorted.map((_, k) => k), seed)
    return { train: parts.train.map((k) => sorted[k]!), eval: names(parts.test.map((k) => sorted[k]!).filter((i) => i.labelled)), where: "paper split's training side" }
  }
  const hasTrainval = all.some((i) => i.split === 'trainval')
  const train = usable.filter((i) => (hasTrainval ? i.split === 'trainval' : i.split !== 'test'))
  const evalSet = names(usable.filter((i) => i.labelled && i.split === 'test'))
  const where = hasTrainval ? 'trainval split' : 'dataset'
  const pool = names(train.filter((i) => i.labelled))
  if (evalSet.length > 0 || pool.length < 2) return { train, eval: evalSet, where }
  const held = new Set(holdOut(pool.map((_, k) => k), HOLD_OUT_FRACTION, HOLD_OUT_SEED).test.map((k) => pool[k]!))
  return { train: train.filter((i) => !held.has(i.name)), eval: [...held].sort(byName), where }
}

/**
 * Pretrain: every decodable image on the training side, labelled or not (the evaluation images stay
 * unseen). Finetune: a seeded subset of the side's labelled images, evaluated on the held-out ones.
 * Fractions are of the labelled pool (official) or of all decodable images (paper, §3.2); either way
 * the same seed nests 1 % ⊂ 10 % ⊂ 90 %. Depends only on the images, budget, seed and split.
 */
export function chooseManifest(
  images: DatasetImage[],
  kind: RunKind,
  labels: LabelBudget | undefined,
  seed: number,
  split: DataSplit = 'official',
): ManifestChoice {
  const usable = images.filter((i) => !i.broken)
  const totalImages = usable.length
  const sides = splitSides(usable, images, split, seed)
  if (kind === 'pretrain') {
    // Official pretraining has always taken everything outside the test split; kept as it was.
    const train = names(split === 'paper' ? sides.train : usable.filter((i) => i.split !== 'test'))
    const problems = train.length === 0 ? [`the dataset has no decodable images ${split === 'paper' ? "on the paper split's training side" : 'outside the test split'} to pretrain on`] : []
    return { manifest: { train, eval: [] }, labelledPool: usable.filter((i) => i.labelled).length, totalImages, problems }
  }
  const pool = names(sides.train.filter((i) => i.labelled))
  const evalSet = sides.eval
  const problems: string[] = []
  const none = (): ManifestChoice => ({ manifest: { train: [], eval: evalSet }, labelledPool: pool.length, totalImages, problems })
  if (pool.length === 0) problems.push(`no labelled images to finetune on: the ${sides.where} has no decodable image with a trimap`)
  else if (evalSet.length === 0) problems.push('no images to evaluate on: label at least 2 images, or some test-split images')
  if (!labels) problems.push('a finetune needs a label budget: N images or a fraction')
  if (problems.length > 0 || !labels) return none()
  const spec = subsetSpec(labels, split, totalImages, sides.train.length, pool.length, problems)
  if (!spec) return none()
  const chosen = labelledSubset(pool.map((_, k) => k), spec, seed).indices.map((k) => pool[k]!)
  return { manifest: { train: chosen, eval: evalSet }, labelledPool: pool.length, totalImages, problems }
}

/** The subset to draw from the labelled pool, or null with the reason among the problems. */
function subsetSpec(labels: LabelBudget, split: DataSplit, total: number, trainSide: number, pool: number, problems: string[]): SubsetSpec | null {
  if (labels.mode === 'count') {
    if (labels.count <= pool) return { count: labels.count }
    problems.push(`asked for ${labels.count} labelled images but the labelled pool holds only ${pool}`)
    return null
  }
  if (split === 'official') return { fraction: labels.fraction }
  const pct = `${Math.round(labels.fraction * 1000) / 10} %`
  if (labels.fraction > PAPER_TRAIN_FRACTION + 1e-9) {
    problems.push(`the paper split trains on at most ${PAPER_TRAIN_FRACTION * 100} % of the dataset, not ${pct}`)
    return null
  }
  // On tiny datasets round(0.9·n) can pass the training side by one image; 90 % means all of it.
  const count = Math.min(shareOfTotal(labels.fraction, total), trainSide)
  if (count <= pool) return { count }
  problems.push(`${pct} of the ${total} images is ${count}, but the paper split's training side has only ${pool} labelled images`)
  return null
}

/** A run's images in pixel order — its training images, then its evaluation images — and where each side sits. */
export function pixelOrder(manifest: RunManifest): { names: string[]; trainIndices: number[]; evalIndices: number[] } {
  const names = [...manifest.train, ...manifest.eval]
  const nTrain = manifest.train.length
  return { names, trainIndices: range(0, nTrain), evalIndices: range(nTrain, names.length) }
}

/** RGB pixels (and trimaps) of the named images, in that order, at size×size, from the resized cache. */
export async function buildPixels(
  datasets: DatasetService,
  datasetId: number,
  names: string[],
  size: number,
  withTrimaps: boolean,
): Promise<{ images: ArrayBuffer; trimaps: ArrayBuffer | null }> {
  const ids = new Map(datasetImages(datasets, datasetId).map((i) => [i.name, i.id]))
  if (names.length === 0) throw new AppError('BAD_INPUT', 'the run has no images')
  const px = size * size
  const images = new Uint8Array(names.length * px * 3)
  const trimaps = withTrimaps ? new Uint8Array(names.length * px) : null
  const load = async (name: string, k: number): Promise<void> => {
    const id = ids.get(name)
    if (id === undefined) throw new AppError('NOT_FOUND', `image ${name} of the run's manifest is no longer in the dataset`)
    images.set(await datasets.getResized(id, size), k * px * 3)
    if (trimaps) {
      const t = await datasets.getResizedTrimap(id, size)
      if (!t) throw new AppError('BAD_INPUT', `image ${name} of the run's manifest has no trimap any more`)
      trimaps.set(t, k * px)
    }
  }
  await runPool(names, 4, load, () => undefined)
  return { images: images.buffer, trimaps: trimaps ? trimaps.buffer : null }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => from + k)
