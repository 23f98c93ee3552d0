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

/** `text` with the URL's password masked, as typed and as decoded (an error may quote either). */
export function maskPassword(url: string, text: string): string {
  const pw = new URL(url).password
  if (!pw) return text
  let plain = pw
  try {
    plain = decodeURIComponent(pw)
  } catch {
    // A stray % that is no escape: the password is then only as typed.
  }
  return text.split(plain).join('***').split(pw).join('***')
}

const UNREACHABLE = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']

/**
 * Whether an error only says that the connection cannot be used right now: Redis unreachable, its
 * certificate untrusted, or the password refused. ioredis retries those, and connectRedis's `log`
 * says them once; any other error is worth a line of its own.
 */
export function isConnectionError(err: Error): boolean {
  // Node's codes are strings; some libraries put numbers there.
  const code = String((err as NodeJS.ErrnoException).code ?? '')
  return (
    UNREACHABLE.includes(code) || code.startsWith('ERR_TLS_') || /CERT|SELF_SIGNED/.test(code) ||
    /^Connection is closed\.?$/.test(err.message) || /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT)\b/.test(err.message) ||
    /^(WRONGPASS|NOAUTH)\b/.test(err.message)
  )
}

/**
 * A connection as BullMQ wants it: commands wait for a reconnect instead of failing after a few
 * retries (a worker outlives a Redis restart), and TLS when the URL says rediss://. With `log`, an
 * outage is said in one line when it starts and one when Redis is back, never once per retry.
 */
export function connectRedis(url: string, log?: (line: string) => void): Redis {
  const r = redisUrlSchema.safeParse(url)
  if (!r.success) throw new AppError('BAD_INPUT', `bad Redis URL ${JSON.stringify(url)}: ${r.error.issues[0]?.message ?? 'invalid'}`)
  const redis = new Redis(url, { maxRetriesPerRequest: null })
  // Without a listener, a refused connection is an unhandled 'error' event; ioredis retries by itself.
  redis.on('error', () => undefined)
  if (log) sayOutages(redis, url, log)
  return redis
}

/** Follows one connection's retries: a line when it starts retrying, one when it is ready again. */
function sayOutages(redis: Redis, url: string, log: (line: string) => void): void {
  const where = safeUrl(url)
  let lastError = ''
  let wasReady = false
  let downSince: number | null = null
  redis.on('error', (err: Error) => {
    lastError = maskPassword(url, err.message)
  })
  // 'reconnecting' comes before each retry and never after a disconnect() of ours.
  redis.on('reconnecting', () => {
    if (downSince !== null) return
    downSince = Date.now()
    const why = lastError ? ` (${lastError})` : ''
    log(wasReady ? `Redis at ${where}: connection lost${why}; retrying until it is back` : `Redis at ${where}: cannot connect${why}; retrying until it can`)
  })
  redis.on('ready', () => {
    if (downSince !== null) log(`Redis at ${where} is back (after ${((Date.now() - downSince) / 1000).toFixed(1)} s)`)
    downSince = null
    wasReady = true
    lastError = ''
  })
}
