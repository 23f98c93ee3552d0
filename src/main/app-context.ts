// The composition root shared by Electron, web mode and tests: opens the database, builds the
// services and the contract handlers. Electron-only facts (userData, dialogs) are passed in.
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Api, AppMode, MediaKind, PickKind } from '../shared/api'
import { createHandlers } from './api-handlers'
import { openDatabase } from './db/open'
import { EventHub } from './events'
import { appPaths, type AppPaths } from './paths'
import { DatasetService } from './services/dataset-service'
import { ExportService } from './services/export-service'
import { LabelsService } from './services/labels-service'
import { PredictionsService } from './services/predictions-service'
import { RunsService } from './services/runs-service'

export interface AppContextOptions {
  dataDir: string
  mode: AppMode
  pick?: (kind: PickKind) => Promise<string[] | null>
}

export interface AppContext {
  paths: AppPaths
  handlers: Api
  events: EventHub
  media(kind: MediaKind, imageId: number): Promise<{ bytes: Buffer; mime: string }>
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
  const runs = new RunsService({ db, datasets, runsDir: paths.runsDir, emit: events.emit })
  // Runs a previous session left running resume from their last checkpoint; queued ones start.
  runs.start()
  const exporter = new ExportService({ db, runs, datasets, runsDir: paths.runsDir, emit: events.emit })
  const predictions = new PredictionsService({ db, runs, datasets, labels, predictionsDir: join(paths.dataDir, 'predictions'), emit: events.emit })
  const handlers = createHandlers({
    datasets,
    labels,
    runs,
    exporter,
    predictions,
    info: { version: appVersion(), mode: opts.mode, dataDir: paths.dataDir },
    pick: opts.pick,
  })
  return {
    paths,
    handlers,
    events,
    media: (kind, imageId) => datasets.media(kind, imageId),
    close: () => {
      // Marks a running run interrupted and cancels its worker; the database can close right away.
      void runs.close()
      void predictions.close()
      exporter.close()
      datasets.close()
      db.close()
    },
  }
}
