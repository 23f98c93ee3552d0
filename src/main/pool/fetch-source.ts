// The app's side of workers fetching a run's images from web mode: where the app serves them (its URL
// as workers reach it and the pool token, known once serve.ts's server listens) and the job's `fetch`
// field, which names the images by the app's ids in pixel order.
import { AppError } from '../../shared/errors'
import type { DatasetService } from '../services/dataset-service'
import type { PixelNames } from '../training/host/data/by-name'
import type { PoolJob } from './protocol'

/** Web mode's pool route: its base URL as workers reach it, and the token it takes (web/pool-data.ts). */
export interface FetchSource {
  url: string
  token: string
}

/** The job's `fetch` field for the named images of a dataset. */
export function fetchOf(source: FetchSource, datasets: DatasetService, datasetId: number, names: PixelNames): NonNullable<PoolJob['data']['fetch']> {
  const ids = new Map(datasets.listImages({ datasetId }).map((i) => [i.name, i.id]))
  const idsOf = (list: string[]): number[] =>
    list.map((name) => {
      const id = ids.get(name)
      if (id === undefined) throw new AppError('NOT_FOUND', `image ${name} of the run is no longer in the dataset`)
      return id
    })
  return { url: source.url, token: source.token, ids: idsOf(names.images), healthIds: names.health ? idsOf(names.health) : null }
}
