// A run's pixels from image names alone. prepareJob builds a run's pixels with it, and a pool worker
// holding a copy of the dataset builds them again from the names the job carries, so both sides make
// the same bytes from the same images (the worker checks their sha256 against the job's).
import type { RunKind, RunManifest } from '../../../../shared/types/runs'
import type { TrainingData } from '../../../../shared/training-protocol'
import type { DatasetService } from '../../../services/dataset-service'
import { buildPixels, pixelOrder } from './from-dataset'
import { healthImageNames } from './health-batch'

/** The images of a run's pixels, in order, and of a pretraining's SSL-health batch (null: none). */
export interface PixelNames {
  images: string[]
  health: string[] | null
}

/** Which images a run's pixels hold: the manifest in pixel order and, for a pretraining, its health batch. */
export function pixelNamesOf(datasets: DatasetService, datasetId: number, manifest: RunManifest, kind: RunKind): PixelNames {
  // A pretraining measures its SSL health on held-out labelled images each epoch.
  return { images: pixelOrder(manifest).names, health: kind === 'pretrain' ? healthImageNames(datasets, datasetId) : null }
}

/** The pixels of the named images at size×size (trimaps when asked; the health batch always has them). */
export async function trainingDataByName(
  datasets: DatasetService,
  datasetId: number,
  names: PixelNames,
  size: number,
  withTrimaps: boolean,
): Promise<TrainingData> {
  const main = await buildPixels(datasets, datasetId, names.images, size, withTrimaps)
  const h = names.health ? await buildPixels(datasets, datasetId, names.health, size, true) : null
  const health = h && names.health ? { count: names.health.length, images: h.images, trimaps: h.trimaps } : null
  return { size, count: names.images.length, images: main.images, trimaps: main.trimaps, health }
}
