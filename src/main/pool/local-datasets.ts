// The datasets a pool worker holds a copy of (`--dataset-root`): each folder opened and indexed the way
// the app opens one (DatasetService, with the worker's own SQLite and image cache under its data dir),
// known by its fingerprint, so a job naming that fingerprint gets its pixels built here by image name.
import { join, resolve } from 'node:path'
import type { TrainingData } from '../../shared/training-protocol'
import { type Db, openDatabase } from '../db/open'
import { DatasetService } from '../services/dataset-service'
import { type PixelNames, trainingDataByName } from '../training/host/data/by-name'
import { datasetFingerprint } from './dataset-fingerprint'
import type { Announcement } from './protocol'

export interface LocalDataset {
  root: string
  datasetId: number
  fingerprint: string
  images: number
}

export class LocalDatasets {
  private constructor(
    private readonly db: Db | null,
    private readonly service: DatasetService | null,
    readonly list: LocalDataset[],
  ) {}

  /** Opens (indexes) each folder; the first one that cannot be opened fails with its path and why. */
  static async open(roots: string[], dataDir: string, log: (line: string) => void): Promise<LocalDatasets> {
    if (roots.length === 0) return new LocalDatasets(null, null, [])
    const db = openDatabase(join(dataDir, 'datasets', 'workbench.sqlite'))
    const service = new DatasetService({ db, cacheDir: join(dataDir, 'datasets', 'cache'), demoDir: join(dataDir, 'datasets', 'demo') })
    const list: LocalDataset[] = []
    try {
      for (const root of [...new Set(roots.map((r) => resolve(r)))]) {
        const started = performance.now()
        log(`dataset ${root}: indexing (the first time decodes every image)`)
        const summary = await service.open(root).catch((err: unknown) => {
          throw new Error(`--dataset-root ${root}: ${err instanceof Error ? err.message : String(err)}`)
        })
        const d = { root, datasetId: summary.datasetId, fingerprint: await datasetFingerprint(service, summary.datasetId), images: summary.images }
        const twin = list.find((x) => x.fingerprint === d.fingerprint)
        const secs = ((performance.now() - started) / 1000).toFixed(1)
        log(`dataset ${root}: ${d.images} images, fingerprint ${d.fingerprint.slice(0, 12)}… (${secs} s)${twin ? `, the same as ${twin.root}` : ''}`)
        if (!twin) list.push(d)
      }
    } catch (err) {
      service.close()
      db.close()
      throw err
    }
    return new LocalDatasets(db, service, list)
  }

  find(fingerprint: string): LocalDataset | undefined {
    return this.list.find((d) => d.fingerprint === fingerprint)
  }

  /** What the worker's announcement says about them. */
  announced(): NonNullable<Announcement['datasets']> {
    return this.list.map((d) => ({ fingerprint: d.fingerprint, images: d.images }))
  }

  /** The pixels of the named images of a copy, built as the app builds a run's (prepareJob). */
  build(d: LocalDataset, names: PixelNames, size: number, withTrimaps: boolean): Promise<TrainingData> {
    if (!this.service) throw new Error('no local datasets are open')
    return trainingDataByName(this.service, d.datasetId, names, size, withTrimaps)
  }

  close(): void {
    this.service?.close()
    this.db?.close()
  }
}
