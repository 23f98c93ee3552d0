// Which images a run sees and in what order: seeded per-epoch shuffles, and the seeded labelled-subset
// manifest (§2.6) stored with the run so "1 %" is the same images for every method.
import { AppError } from '../../../../shared/errors'
import { deriveSeed, makeRng, shuffleInPlace } from '../augment/random'

export type SubsetSpec = { fraction: number } | { count: number }

export interface SubsetManifest {
  seed: number
  spec: SubsetSpec
  poolSize: number
  /** Chosen image indices (into the source), ascending. */
  indices: number[]
}

/**
 * Picks round(fraction·pool) (at least 1) or exactly `count` images of the labelled pool. The pool is
 * sorted first, so the manifest depends only on the pool's members, the spec and the seed.
 */
export function labelledSubset(pool: number[], spec: SubsetSpec, seed: number): SubsetManifest {
  const sorted = [...new Set(pool)].sort((a, b) => a - b)
  if (sorted.length === 0) throw new AppError('BAD_INPUT', 'the labelled pool is empty: no image has a trimap')
  let k: number
  if ('fraction' in spec) {
    if (!(spec.fraction > 0 && spec.fraction <= 1)) throw new AppError('BAD_INPUT', `label fraction must be in (0, 1], got ${spec.fraction}`)
    k = Math.max(1, Math.round(spec.fraction * sorted.length))
  } else {
    if (!Number.isInteger(spec.count) || spec.count < 1) throw new AppError('BAD_INPUT', `label count must be a positive integer, got ${spec.count}`)
    if (spec.count > sorted.length) {
      throw new AppError('BAD_INPUT', `asked for ${spec.count} labelled images but only ${sorted.length} have trimaps`)
    }
    k = spec.count
  }
  const order = [...sorted]
  shuffleInPlace(order, makeRng(deriveSeed(seed, 0x5eed)))
  return { seed, spec, poolSize: sorted.length, indices: order.slice(0, k).sort((a, b) => a - b) }
}

/** Seeded split of indices into train and held-out parts (when a dataset has no test split). */
export function holdOut(indices: number[], fraction: number, seed: number): { train: number[]; test: number[] } {
  if (!(fraction > 0 && fraction < 1)) throw new AppError('BAD_INPUT', `hold-out fraction must be in (0, 1), got ${fraction}`)
  const order = [...indices].sort((a, b) => a - b)
  shuffleInPlace(order, makeRng(deriveSeed(seed, 0x401d)))
  const nTest = Math.max(1, Math.round(fraction * order.length))
  return { test: order.slice(0, nTest).sort((a, b) => a - b), train: order.slice(nTest).sort((a, b) => a - b) }
}

/** The paper's split (§2.2): training takes this share of all images, the rest is held out. */
export const PAPER_TRAIN_FRACTION = 0.9

/**
 * The paper's 90/10 split of all images, seeded: round(0.9·n) train, the rest (at least 1 when n ≥ 2)
 * held out. Train is exactly round(0.9·n), so "90 % of the dataset" is the whole training side.
 */
export function paperSplit(indices: number[], seed: number): { train: number[]; test: number[] } {
  const order = [...new Set(indices)].sort((a, b) => a - b)
  shuffleInPlace(order, makeRng(deriveSeed(seed, 0x9a9e)))
  const nTrain = order.length < 2 ? order.length : Math.min(order.length - 1, Math.round(PAPER_TRAIN_FRACTION * order.length))
  return { train: order.slice(0, nTrain).sort((a, b) => a - b), test: order.slice(nTrain).sort((a, b) => a - b) }
}

/** How many images "fraction of the whole dataset" is (§3.2: 1 %, 10 %, 90 % of the total), at least 1. */
export const shareOfTotal = (fraction: number, total: number): number => Math.max(1, Math.round(fraction * total))

/** The epoch's order of `indices`: a seeded shuffle that differs per epoch. */
export function epochOrder(indices: number[], seed: number, epoch: number): number[] {
  const order = [...indices]
  shuffleInPlace(order, makeRng(deriveSeed(seed, epoch)))
  return order
}

/** Consecutive batches of `order`; the last, short one is kept unless dropLast. */
export function toBatches(order: number[], batchSize: number, dropLast = false): number[][] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new AppError('BAD_INPUT', `batch size must be a positive integer, got ${batchSize}`)
  const out: number[][] = []
  for (let i = 0; i < order.length; i += batchSize) {
    const b = order.slice(i, i + batchSize)
    if (b.length === batchSize || !dropLast) out.push(b)
  }
  return out
}
