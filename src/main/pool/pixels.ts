// A run's training pixels in Redis, so a worker needs no copy of the dataset: the app stores the
// buffers buildTrainingData made under their sha256 (runs on the same images share them), bounded in
// size; the worker reads them back and checks the sum before training on them.
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { AppError } from '../../shared/errors'
import type { TrainingData } from '../../shared/training-protocol'
import { DATA_TTL_SECONDS, keys, type PoolJob } from './protocol'

/** Pixels of one run shipped through Redis at most (the pool's Redis holds them while runs wait). */
export const DEFAULT_MAX_DATA_BYTES = 256 * 1024 * 1024

export type PixelRef = PoolJob['data']

function sumOf(size: number, images: Uint8Array, trimaps: Uint8Array | null): string {
  const h = createHash('sha256').update(`${size}:${trimaps ? 1 : 0}:`).update(images)
  if (trimaps) h.update(trimaps)
  return h.digest('hex')
}

export async function putPixels(redis: Redis, data: TrainingData, maxBytes = DEFAULT_MAX_DATA_BYTES): Promise<PixelRef> {
  const images = new Uint8Array(data.images)
  const trimaps = data.trimaps ? new Uint8Array(data.trimaps) : null
  const bytes = images.byteLength + (trimaps?.byteLength ?? 0)
  if (bytes > maxBytes) {
    const mib = (n: number): string => `${(n / 2 ** 20).toFixed(0)} MiB`
    throw new AppError('UNSUPPORTED', `the run's ${data.count} images take ${mib(bytes)} at ${data.size} px, more than the pool ships through Redis (${mib(maxBytes)}): train it locally or on fewer or smaller images`)
  }
  const sha256 = sumOf(data.size, images, trimaps)
  const key = keys.data(sha256)
  // Already there from another run: only its lifetime is renewed.
  if ((await redis.expire(key, DATA_TTL_SECONDS)) === 0) {
    const fields: Record<string, Buffer> = { images: Buffer.from(images.buffer, images.byteOffset, images.byteLength) }
    if (trimaps) fields.trimaps = Buffer.from(trimaps.buffer, trimaps.byteOffset, trimaps.byteLength)
    await redis.multi().hset(key, fields).expire(key, DATA_TTL_SECONDS).exec()
  }
  return { sha256, size: data.size, count: data.count, trimaps: trimaps !== null }
}

/** The pixels a job names, or a clear reason why the worker cannot train on them. */
export async function getPixels(redis: Redis, ref: PixelRef): Promise<TrainingData> {
  const [images, trimaps] = await redis.hmgetBuffer(keys.data(ref.sha256), 'images', 'trimaps')
  if (!images) throw new AppError('NOT_FOUND', `the run's pixels (${ref.sha256.slice(0, 12)}…) are no longer in Redis (expired or evicted): queue the run again from the app`)
  const px = ref.size * ref.size
  if (images.byteLength !== ref.count * px * 3 || (ref.trimaps && trimaps?.byteLength !== ref.count * px)) {
    throw new AppError('BAD_INPUT', `the run's pixels in Redis do not have the size the job says (${ref.count} images of ${ref.size} px)`)
  }
  const t = ref.trimaps ? (trimaps ?? null) : null
  if (sumOf(ref.size, images, t) !== ref.sha256) throw new AppError('BAD_INPUT', "the run's pixels in Redis do not match their sha256")
  // Copies the worker thread can own (transferred, so not views into a shared pool).
  const own = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
  return { size: ref.size, count: ref.count, images: own(images), trimaps: t ? own(t) : null }
}
