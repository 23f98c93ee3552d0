// Entry of a pool worker (`npm run worker -- --redis redis://HOST:PORT [options]`): trains runs queued
// on the pool's Redis by any app, on whatever machine this runs on. Ctrl-C hands its runs to others.
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { redisUrlSchema, safeUrl } from './pool/redis'
import { startPoolWorker } from './pool/worker'

const USAGE = `usage: npm run worker -- --redis redis://[user:password@]HOST:PORT [--data-dir DIR] [--concurrency N] [--threads N] [--lock-seconds S] [--dataset-root DIR]…
  --redis         the pool's Redis (rediss:// for TLS)
  --data-dir      where jobs training here keep their files (default: ${path.join(os.tmpdir(), 'unet-pool-worker')}), and in
                  its cache/ folder the images fetched from an app's web mode, kept for the next run on them
  --concurrency   runs trained at once (default 1)
  --threads       wasm threads per run (default: the cores shared by the runs)
  --lock-seconds  how soon a run of a worker that died moves to another worker (default 30)
  --dataset-root  a copy of a dataset (Oxford-IIIT Pet layout) on this machine; repeat for several. Runs on a
                  dataset whose fingerprint matches are built from it instead of fetched from Redis, and runs
                  too large for Redis can train here. Indexed at start (the first time decodes every image)`

const count = z.coerce.number().int().positive()
const argsSchema = z.object({
  redis: redisUrlSchema,
  'data-dir': z.string().min(1).default(path.join(os.tmpdir(), 'unet-pool-worker')),
  concurrency: count.default(1),
  threads: count.optional(),
  'lock-seconds': z.coerce.number().positive().default(30),
  'dataset-root': z.array(z.string().min(1)).default([]),
})

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      redis: { type: 'string' }, 'data-dir': { type: 'string' }, concurrency: { type: 'string' },
      threads: { type: 'string' }, 'lock-seconds': { type: 'string' }, 'dataset-root': { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const a = argsSchema.safeParse(values)
  if (!a.success) {
    console.error(`error: ${a.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}\n\n${USAGE}`)
    process.exitCode = 2
    return
  }
  const o = a.data
  console.log(`pool worker: joining ${safeUrl(o.redis)}`)
  const worker = await startPoolWorker({
    redisUrl: o.redis, dataDir: path.resolve(o['data-dir']), concurrency: o.concurrency, wasmThreads: o.threads, lockMs: o['lock-seconds'] * 1000,
    datasetRoots: o['dataset-root'],
  })
  let stopping = false
  const stop = (): void => {
    if (stopping) process.exit(130)
    stopping = true
    console.log('pool worker: stopping; runs training here go to other workers')
    void worker.close(true).finally(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
