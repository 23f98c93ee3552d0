// The fixed batch a pretraining run's SSL health is measured on: labelled images held out from
// pretraining (the test split) where there are any, so the label probe has ground truth.
import { HEALTH_BATCH } from '../../../../shared/training-protocol'
import type { DatasetService } from '../../../services/dataset-service'
import { datasetImages } from './from-dataset'
import { labelledSubset } from '../../worker/data/sampling'

// Fixed, so every method and seed of a comparison is measured on the same images.
const HEALTH_SEED = 0

/**
 * Names of up to HEALTH_BATCH labelled test-split images, else of labelled images of any split (their
 * labels are never trained on while pretraining); null when fewer than 2 images are labelled.
 */
export function healthImageNames(datasets: DatasetService, datasetId: number): string[] | null {
  const labelled = datasetImages(datasets, datasetId).filter((i) => i.labelled && !i.broken)
  const test = labelled.filter((i) => i.split === 'test')
  const pool = (test.length >= 2 ? test : labelled).map((i) => i.name).sort()
  if (pool.length < 2) return null
  const k = Math.min(HEALTH_BATCH, pool.length)
  return labelledSubset(pool.map((_, j) => j), { count: k }, HEALTH_SEED).indices.map((j) => pool[j]!)
}
