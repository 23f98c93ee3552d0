// Where training runs go (this machine or the worker pool behind a Redis) and the pool's workers as
// the app lists them: the DTOs of the contract's pool: calls.
import { z } from 'zod'

export const RUN_ON = ['local', 'pool'] as const
export type RunOn = (typeof RUN_ON)[number]

/** The "Run on" setting; the URL's password is masked (it never leaves the main process). */
export interface PoolSetting {
  mode: RunOn
  redisUrl: string | null
  /** Where pool workers fetch runs' images (this app in web mode); null: they get them through Redis. */
  imagesFrom: string | null
}

/** A live worker of the pool, as it last announced itself. */
export interface PoolWorkerInfo {
  id: string
  host: string
  backend: string
  backendThreads: number
  /** webgpu: the GPU adapter it trains on; null otherwise. */
  adapter: string | null
  freeMemoryBytes: number
  totalMemoryBytes: number
  /** Runs it trains at once. */
  concurrency: number
  /** Ids of the runs training there now (runs of any app sharing the pool). */
  running: number[]
  seenAt: string
}

/** redis:// or rediss:// (TLS), with an optional user:password@; checked again by connecting. */
export const redisUrlArg = z
  .string()
  .min(1)
  .max(2048)
  .refine((u) => URL.canParse(u) && /^rediss?:$/.test(new URL(u).protocol), 'must be a URL starting with redis:// or rediss://')
