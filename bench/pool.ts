// Worker-pool benchmark: the same fixed set of tiny runs trained locally, then on a pool of 1 and of 2
// worker processes on this machine (a real redis-server); prints one JSON line of runs per hour and the
// pool's overhead per run over a local run. Use: npm run bench:pool [-- --runs 4 --epochs 3]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { generateDemo } from '../src/main/dataset/demo/generate'
import { openDatabase } from '../src/main/db/open'
import { PoolCoordinator } from '../src/main/pool/coordinator'
import { DatasetService } from '../src/main/services/dataset-service'
import { RunsService, type RunsServiceOptions } from '../src/main/services/runs-service'
import type { RunConfig } from '../src/shared/types/runs'
import { startRedis, startWorker, type WorkerProcess } from '../test/integration/pool/harness'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '4' }, epochs: { type: 'string', default: '3' } } })
const runs = Number(values.runs)
const epochs = Number(values.epochs)
if (![runs, epochs].every((v) => Number.isInteger(v) && v > 0)) throw new Error('--runs and --epochs must be positive integers')

const dir = mkdtempSync(join(tmpdir(), 'wb-bench-pool-'))
await generateDemo({ out: join(dir, 'pets'), count: 40, seed: 3 })
const db = openDatabase(join(dir, 'workbench.sqlite'))
const datasets = new DatasetService({ db, cacheDir: join(dir, 'cache'), demoDir: join(dir, 'demo') })
const datasetId = (await datasets.open(join(dir, 'pets'))).datasetId
const configs: RunConfig[] = Array.from({ length: runs }, (_, k) => ({
  kind: 'finetune', datasetId, method: 'none', labels: { mode: 'count', count: 8 }, frozenEncoder: false, skips: true,
  epochs, batchSize: 4, imageSize: 32, simclrSize: 16, learningRate: 0.01, seed: k + 1, channels: [4, 8],
}))

interface Timing {
  seconds: number
  runsPerHour: number
  secondsPerRun: number
}

/** Trains every config on a fresh service; the clock runs from the first enqueue to the last run's end. */
async function timeRuns(over: Partial<RunsServiceOptions>): Promise<Timing> {
  const service = new RunsService({ db, datasets, runsDir: join(dir, 'runs'), wasmThreads: 1, emit: () => undefined, ...over })
  // Planning probes this machine's backend once per process: not a cost of either way of training.
  await service.plan(configs[0]!)
  const t0 = performance.now()
  for (const c of configs) await service.enqueue(c)
  service.start()
  await service.whenIdle()
  const seconds = (performance.now() - t0) / 1000
  await service.close()
  return { seconds: round(seconds), runsPerHour: round((runs * 3600) / seconds), secondsPerRun: round(seconds / runs) }
}

const round = (v: number): number => Math.round(v * 100) / 100

const local = await timeRuns({ maxConcurrent: 1 })
// Two runs at a time here: what this machine's cores give two runs without the pool, the fair
// reference for two workers on the same machine.
const local2 = await timeRuns({ maxConcurrent: 2, cores: 2 })
const redis = await startRedis()
const workers: WorkerProcess[] = []
const pool: Record<string, Timing> = {}
try {
  for (const n of [1, 2]) {
    while (workers.length < n) workers.push(await startWorker(redis.url, join(dir, `worker-${workers.length}`)))
    const coordinator = new PoolCoordinator({ redisUrl: redis.url, log: () => undefined })
    pool[`workers${n}`] = await timeRuns({ execute: coordinator.execute, maxConcurrent: 2, cores: 2, concurrentMemoryBytes: Number.MAX_SAFE_INTEGER })
    await coordinator.close()
  }
} finally {
  await Promise.all(workers.map((x) => x.stop()))
  await redis.stop()
  datasets.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
}
const overhead = round(pool.workers1!.secondsPerRun - local.secondsPerRun)
const overhead2 = round(pool.workers2!.secondsPerRun - local2.secondsPerRun)
console.log(JSON.stringify({ bench: 'pool', runs, epochs, imageSize: 32, channels: [4, 8], local, local2, pool, overheadSecondsPerRun: overhead, overheadSecondsPerRun2: overhead2 }))
