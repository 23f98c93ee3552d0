// What the RunsService integration tests share: a 40-image demo dataset in a temp folder, one SQLite
// file and the dataset service (made once per file), services closed after each test, a tiny config.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { generateDemo } from '../../src/main/dataset/demo/generate'
import { openDatabase, type Db } from '../../src/main/db/open'
import { DatasetService } from '../../src/main/services/dataset-service'
import { RunsService, type RunsServiceOptions } from '../../src/main/services/runs-service'
import type { RunConfig } from '../../src/shared/types/runs'

export interface RunsWorld {
  dir: string
  db: Db
  datasets: DatasetService
  datasetId: number
  /** A service on this world (one wasm thread, every progress event); closed after the test. */
  service(over?: Partial<RunsServiceOptions>): RunsService
  /** A finetune run small enough to train in a second or two. */
  tiny(over?: Partial<RunConfig>): RunConfig
}

/** Call at a test file's top level: it registers the hooks that build and remove the world. */
export function useRunsWorld(prefix: string): RunsWorld {
  const open: RunsService[] = []
  const w = {
    service(over: Partial<RunsServiceOptions> = {}): RunsService {
      const s = new RunsService({ db: w.db, datasets: w.datasets, runsDir: join(w.dir, 'runs'), wasmThreads: 1, progressIntervalMs: 0, emit: () => undefined, ...over })
      open.push(s)
      return s
    },
    tiny: (over: Partial<RunConfig> = {}): RunConfig => ({
      kind: 'finetune', datasetId: w.datasetId, method: 'none', labels: { mode: 'count', count: 4 }, frozenEncoder: false, skips: true,
      epochs: 1, batchSize: 4, imageSize: 32, simclrSize: 16, learningRate: 0.01, seed: 1, channels: [4, 8], ...over,
    }),
  } as RunsWorld

  beforeAll(async () => {
    w.dir = mkdtempSync(join(tmpdir(), prefix))
    await generateDemo({ out: join(w.dir, 'pets'), count: 40, seed: 3 })
    w.db = openDatabase(join(w.dir, 'data/workbench.sqlite'))
    w.datasets = new DatasetService({ db: w.db, cacheDir: join(w.dir, 'data/cache'), demoDir: join(w.dir, 'data/demo') })
    w.datasetId = (await w.datasets.open(join(w.dir, 'pets'))).datasetId
  })
  // A started service left open would pick up the next test's runs.
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()))
  })
  afterAll(() => {
    w.datasets.close()
    w.db.close()
    rmSync(w.dir, { recursive: true, force: true })
  })
  return w
}
