// Connections to the pool's Redis from a URL (redis:// or rediss:// for TLS, with an optional
// user:password@), shared by the coordinator, the workers, the tests and the benchmark.
import { Redis } from 'ioredis'
import { z } from 'zod'
import { AppError } from '../../shared/errors'

export const redisUrlSchema = z
  .string()
  .url()
  .refine((u) => /^rediss?:$/.test(new URL(u).protocol), 'must start with redis:// or rediss://')

/** The URL without its password, for logs and announcements. */
export function safeUrl(url: string): string {
  const u = new URL(url)
  if (u.password) u.password = '***'
  return u.toString()
}

/**
 * A connection as BullMQ wants it: commands wait for a reconnect instead of failing after a few
 * retries (a worker outlives a Redis restart), and TLS when the URL says rediss://.
 */
export function connectRedis(url: string): Redis {
  const r = redisUrlSchema.safeParse(url)
  if (!r.success) throw new AppError('BAD_INPUT', `bad Redis URL ${JSON.stringify(url)}: ${r.error.issues[0]?.message ?? 'invalid'}`)
  const redis = new Redis(url, { maxRetriesPerRequest: null })
  // Without a listener, a refused connection is an unhandled 'error' event; ioredis retries by itself.
  redis.on('error', () => undefined)
  return redis
}
