// Binds every contract call to the services. Both bindings (ipc.ts, web/server.ts) validate the
// argument with the contract's schema and then call these; a call missing here is a compile error.
import type { Api, AppInfo, PickKind } from '../shared/api'
import { AppError } from '../shared/errors'
import type { DatasetService } from './services/dataset-service'
import type { FolderBrowser } from './services/folder-browser'
import type { ExportService } from './services/export-service'
import { runsTable } from './services/export/runs-table'
import type { LabelsService } from './services/labels-service'
import type { RunTarget } from './services/pool-setting'
import type { PredictionsService } from './services/predictions-service'
import type { ReviewService } from './services/review-service'
import type { RunsService } from './services/runs-service'

export interface HandlerDeps {
  datasets: DatasetService
  labels: LabelsService
  runs: RunsService
  /** Where runs train: this machine or the worker pool. */
  pool: RunTarget
  exporter: ExportService
  predictions: PredictionsService
  reviews: ReviewService
  info: Omit<AppInfo, 'canPickFiles'>
  /** Native file dialog; absent in web mode and the CLI. */
  pick?: (kind: PickKind) => Promise<string[] | null>
  folders: FolderBrowser
}

export function createHandlers(deps: HandlerDeps): Api {
  const { datasets, labels, runs, exporter, predictions, pick, folders } = deps
  return {
    'app:info': async () => ({ ...deps.info, canPickFiles: pick !== undefined }),
    'app:pick': async ({ kind }) => {
      if (!pick) throw new AppError('UNSUPPORTED', 'No file dialog in web mode: browse the folders of the server (fs:browse) or type a path instead')
      return pick(kind)
    },
    'datasets:list': async () => datasets.list(),
    'datasets:current': async () => datasets.current(),
    'datasets:open': ({ path }) => datasets.open(path),
    'datasets:import': ({ archives, dest }) => datasets.importArchives(archives, dest),
    'datasets:openDemo': () => datasets.openDemo(),
    'fs:browse': ({ path }) => folders.browse(path),
    'images:list': async (q) => datasets.listImages(q),
    'images:facets': async (q) => datasets.facets(q),
    'images:get': async ({ id }) => datasets.getImage(id),
    'labels:get': ({ imageId }) => datasets.getTrimap(imageId),
    'labels:save': ({ imageId, trimap }) => labels.save(imageId, trimap),
    'labels:revert': ({ imageId }) => labels.revert(imageId),
    'labels:clear': ({ imageId }) => labels.clear(imageId),
    'runs:plan': ({ config }) => runs.plan(config),
    'runs:enqueue': ({ config }) => runs.enqueue(config),
    'runs:pipeline': (args) => runs.pipeline(args),
    'runs:planMany': ({ items }) => runs.planMany(items),
    'runs:queueMany': ({ items }) => runs.queueMany(items),
    'runs:list': async ({ datasetId, includeArchived }) => runs.list(datasetId, { includeArchived }),
    'runs:update': async ({ id, ...fields }) => runs.update(id, fields),
    'runs:deletePlan': async ({ id }) => runs.deletePlan(id),
    'runs:delete': async ({ id, withDependents }) => runs.delete(id, withDependents),
    'runs:get': async ({ id }) => runs.get(id),
    'runs:cancel': async ({ id }) => runs.cancel(id),
    'runs:retry': async ({ id }) => runs.retry(id),
    'runs:reorder': async ({ id, position }) => runs.reorder(id, position),
    'runs:concurrency': async () => runs.concurrency(),
    'runs:setConcurrency': async ({ max }) => runs.setMaxConcurrent(max),
    'pool:get': async () => deps.pool.get(),
    'pool:set': (args) => deps.pool.set(args),
    'pool:workers': () => deps.pool.workers(),
    'runs:export': ({ id, dest }) => exporter.exportRun(id, dest),
    'runs:import': ({ path, datasetId }) => exporter.importRun(path, datasetId),
    'runs:exportTable': async ({ ids, format }) => runsTable(runs.list(undefined, { includeArchived: true }), ids, format),
    'runs:exportPredictions': ({ id, split, dest }) => predictions.exportSplit(id, split, dest),
    'predictions:start': async ({ runId, datasetId, scope }) => predictions.start(runId, datasetId, scope),
    'predictions:cancel': ({ jobId }) => predictions.cancel(jobId),
    'predictions:get': ({ runId, imageId }) => predictions.get(runId, imageId),
    'predictions:accept': ({ runId, imageId }) => predictions.accept(runId, imageId),
    'queues:labelNext': async ({ datasetId, runId, limit }) => predictions.labelNext(datasetId, runId, limit),
    'queues:recheck': ({ datasetId, runId, limit }) => predictions.recheck(datasetId, runId, limit),
    'reviews:set': async ({ imageId, state, note }) => deps.reviews.set(imageId, state, note),
  }
}
