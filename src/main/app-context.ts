// The composition root shared by Electron, web mode and tests: opens the database, builds the
// services and the contract handlers. Electron-only facts (userData, dialogs) are passed in.
import { mkdirSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { Api, AppMode, MediaKind, PickKind } from '../shared/api'
import { createHandlers } from './api-handlers'
import { openDatabase } from './db/open'
import { EventHub } from './events'
import { appPaths, type AppPaths } from './paths'
import { DatasetService } from './services/dataset-service'
import { FolderBrowser } from './services/folder-browser'
import { ExportService } from './services/export-service'
import { LabelsService } from './services/labels-service'
import { PredictionsService } from './services/predictions-service'
import { ReviewService } from './services/review-service'
import { RunsService } from './services/runs-service'
import { RunTarget } from './services/pool-setting'
import type { FetchSource } from './pool/fetch-source'
import type { PoolImages } from './web/pool-data'

export interface AppContextOptions {
  dataDir: string
  mode: AppMode
  pick?: (kind: PickKind) => Promise<string[] | null>
  /** Folders fs:browse may list (default: the user's home); the demo dataset's folder is always added. */
  browseRoots?: string[]
}

export interface AppContext {
  paths: AppPaths
  handlers: Api
  events: EventHub
  media(kind: MediaKind, imageId: number): Promise<{ bytes: Buffer; mime: string }>
  /** Web mode: the resized images pool workers fetch (web/pool-data.ts). */
  poolImages: PoolImages
  /** Web mode, once its server listens: pool runs queued from then on have their workers fetch their images there. */
  servePoolImages(source: FetchSource): void
  close(): void
}

export function appVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  return pkg.version
}

export function createAppContext(opts: AppContextOptions): AppContext {
  const paths = appPaths(opts.dataDir)
  mkdirSync(paths.cacheDir, { recursive: true })
  const db = openDatabase(paths.dbFile)
  const events = new EventHub()
  const datasets = new DatasetService({
    db,
    cacheDir: paths.cacheDir,
    demoDir: paths.demoDir,
    emit: (progress) => events.emit('dataset:progress', progress),
  })
  const labels = new LabelsService({ datasets, emit: (change) => events.emit('labels:changed', change) })
  // Where each run trains (this machine or the worker pool) is read at its start; the pool's worker count sets the limits.
  const pool = new RunTarget({ db, onLimits: (limits) => runs.setLimits(limits) })
  const runs = new RunsService({ db, datasets, runsDir: paths.runsDir, emit: events.emit, execute: pool.execute, planBackend: pool.planBackend, abandon: pool.abandon })
  pool.start()
  // Runs a previous session left running resume from their last checkpoint; queued ones start.
  runs.start()
  const exporter = new ExportService({ runs, datasets, runsDir: paths.runsDir })
  const predictions = new PredictionsService({ db, runs, datasets, labels, predictionsDir: join(paths.dataDir, 'predictions'), emit: events.emit })
  const handlers = createHandlers({
    datasets,
    labels,
    runs,
    pool,
    exporter,
    predictions,
    reviews: new ReviewService({ db, datasets, emit: (change) => events.emit('reviews:changed', change) }),
    info: { version: appVersion(), mode: opts.mode, dataDir: paths.dataDir },
    pick: opts.pick,
    folders: new FolderBrowser([...(opts.browseRoots ?? [homedir()]), paths.demoDir]),
  })
  return {
    paths,
    handlers,
    events,
    media: (kind, imageId) => datasets.media(kind, imageId),
    poolImages: datasets,
    servePoolImages: (source) => pool.serveImages(source),
    close: () => {
      // Marks a running run interrupted and cancels its worker; the database can close right away.
      void runs.close()
      // Its runs were just marked interrupted; its watch stops before the database closes.
      void pool.close()
      void predictions.close()
      datasets.close()
      db.close()
    },
  }
}
