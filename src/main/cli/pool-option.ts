// The training commands' `--pool redis://…`: their runs train on the worker pool and are waited for
// like local runs. The Redis is checked before the dataset is indexed; a pool without workers is said.
import { AppError } from '../../shared/errors'
import { PoolCoordinator } from '../pool/coordinator'
import { redisUrlSchema, safeUrl } from '../pool/redis'
import { checkRedis } from '../services/pool-setting'
import type { RunsServiceOptions } from '../services/runs-service'

export const POOL_OPTION = { pool: { type: 'string' } } as const
export const POOL_USAGE = '[--pool redis://[:PASSWORD@]HOST:PORT]'

export interface CliPool {
  /** What makes a RunsService train on the pool: its execute, and the pool's limits instead of this machine's. */
  options: Pick<RunsServiceOptions, 'execute' | 'planBackend' | 'cores' | 'concurrentMemoryBytes'>
  close(): Promise<void>
}

/** The pool named by --pool, connected and counted; null without the option. */
export async function openPool(url: string | undefined, log: (line: string) => void): Promise<CliPool | null> {
  if (url === undefined) return null
  const r = redisUrlSchema.safeParse(url)
  if (!r.success) throw new AppError('BAD_INPUT', `--pool must be a URL starting with redis:// or rediss://, got "${safeUrlOr(url)}"`)
  await checkRedis(url)
  const coordinator = new PoolCoordinator({ redisUrl: url, log })
  const workers = await coordinator.workers()
  const slots = workers.reduce((n, w) => n + w.concurrency, 0)
  if (slots === 0) log(`pool: no worker has announced itself on ${safeUrl(url)} yet; the run waits for one (start it with: npm run worker -- --redis ${safeUrl(url)})`)
  else log(`pool: ${workers.length} worker(s) on ${safeUrl(url)}: ${workers.map((w) => `${w.id} (${w.backend})`).join(', ')}`)
  return {
    options: { execute: coordinator.execute, planBackend: coordinator.planBackend, cores: Math.max(1, slots), concurrentMemoryBytes: Number.MAX_SAFE_INTEGER },
    close: () => coordinator.close(),
  }
}

/** The URL as typed, its password masked where it parses at all. */
function safeUrlOr(url: string): string {
  try {
    return safeUrl(url)
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@')
  }
}
