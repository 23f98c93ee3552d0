// Fault driver: trains one tiny finetune run through the real RunsService (worker, checkpoints, SQLite),
// printing each run change with the epochs SQLite holds, until it ends or is killed.
// Args: DATA_DIR PETS_DIR EPOCHS
import { join } from 'node:path'
import { openDatabase } from '../../../src/main/db/open'
import { DatasetService } from '../../../src/main/services/dataset-service'
import { RunsService } from '../../../src/main/services/runs-service'

const [dataDir, pets, epochs] = process.argv.slice(2) as [string, string, string]
const db = openDatabase(join(dataDir, 'workbench.sqlite'))
const datasets = new DatasetService({ db, cacheDir: join(dataDir, 'cache'), demoDir: join(dataDir, 'demo') })
const { datasetId } = await datasets.open(pets)
const say = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`)
const runs: RunsService = new RunsService({
  db, datasets, runsDir: join(dataDir, 'runs'), wasmThreads: 1, progressIntervalMs: 0,
  emit: (name, payload) => {
    if (name !== 'runs:changed') return
    const s = payload as { id: number; status: string }
    say({ run: s.id, status: s.status, epochs: runs.repo.epochs(s.id).length })
  },
})
const run = await runs.enqueue({
  kind: 'finetune', datasetId, method: 'none', labels: { mode: 'count', count: 12 }, frozenEncoder: false, skips: true,
  epochs: Number(epochs), batchSize: 4, imageSize: 32, simclrSize: 16, learningRate: 0.01, seed: 5, channels: [4, 8],
})
say({ queued: run.id })
runs.start()
const end = await runs.waitFor(run.id)
say({ ended: end.status })
await runs.close()
