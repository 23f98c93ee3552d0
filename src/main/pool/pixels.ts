// A run's training pixels as a pool job names them: their sha256 and shape (the same sum whether the
// pixels travel through Redis or a worker builds them from its own copy of the dataset), and their
// copy in Redis. The app stores the buffers prepareJob made (and a pretraining's SSL-health batch)
// under their sha256 (runs on the same images share them) when they fit the cap; the worker reads
// them back and checks the sum first.
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { AppError } from '../../shared/errors'
import type { TrainingData } from '../../shared/training-protocol'
import { DATA_TTL_SECONDS, keys, type PoolJob } from './protocol'

/** Pixels of one run shipped through Redis at most (the pool's Redis holds them while runs wait). */
export const DEFAULT_MAX_DATA_BYTES = 256 * 1024 * 1024

/** What identifies a run's pixels: the sum and the shape, without where they can be found. */
export type PixelRef = Pick<PoolJob['data'], 'sha256' | 'size' | 'count' | 'trimaps' | 'health'>

/** The buffers of a run as they sit in its Redis hash, by field name. */
type Fields = { images: Uint8Array; trimaps: Uint8Array | null; healthImages: Uint8Array | null; healthTrimaps: Uint8Array | null }

function sumOf(size: number, f: Fields): string {
  const h = createHash('sha256').update(`${size}:${f.trimaps ? 1 : 0}:`).update(f.images)
  if (f.trimaps) h.update(f.trimaps)
  // A batch without health hashes as before, so pixels stored by an older app are still shared.
  if (f.healthImages) h.update(`:health:${f.healthTrimaps ? 1 : 0}:`).update(f.healthImages)
  if (f.healthTrimaps) h.update(f.healthTrimaps)
  return h.digest('hex')
}

const view = (b: ArrayBuffer | null | undefined): Uint8Array | null => (b ? new Uint8Array(b) : null)
const fieldsOf = (data: TrainingData): Fields => ({
  images: new Uint8Array(data.images), trimaps: view(data.trimaps), healthImages: view(data.health?.images), healthTrimaps: view(data.health?.trimaps),
})

/** The sum and shape of a run's pixels, as its job names them. */
export function pixelRefOf(data: TrainingData): PixelRef {
  const health = data.health ? { count: data.health.count, trimaps: data.health.trimaps !== null } : null
  return { sha256: sumOf(data.size, fieldsOf(data)), size: data.size, count: data.count, trimaps: data.trimaps !== null, health }
}

/** Bytes of the pixels a ref names (images, trimaps and health batch), from its shape alone. */
export function pixelBytes(ref: PixelRef): number {
  const px = ref.size * ref.size
  const h = ref.health
  return ref.count * px * (ref.trimaps ? 4 : 3) + (h ? h.count * px * (h.trimaps ? 4 : 3) : 0)
}

/** "3680 images at 128 px (230.0 MiB)", for logs and reasons. */
export function describePixels(ref: PixelRef): string {
  const health = ref.health ? ` and ${ref.health.count} health images` : ''
  const bytes = pixelBytes(ref)
  const size = bytes < 2 ** 20 ? `${Math.ceil(bytes / 1024)} KiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`
  return `${ref.count} images${health} at ${ref.size} px (${size})`
}

/**
 * The run's pixel ref, the pixels stored in Redis when they fit under maxBytes (`stored`); above it
 * the job goes out without them and only a worker holding the dataset can train it.
 */
export async function putPixels(redis: Redis, data: TrainingData, maxBytes = DEFAULT_MAX_DATA_BYTES): Promise<PixelRef & { stored: boolean }> {
  const ref = pixelRefOf(data)
  if (pixelBytes(ref) > maxBytes) return { ...ref, stored: false }
  const key = keys.data(ref.sha256)
  // Already there from another run: only its lifetime is renewed.
  if ((await redis.expire(key, DATA_TTL_SECONDS)) === 0) {
    const fields: Record<string, Buffer> = {}
    for (const [name, b] of Object.entries(fieldsOf(data))) if (b) fields[name] = Buffer.from(b.buffer, b.byteOffset, b.byteLength)
    await redis.multi().hset(key, fields).expire(key, DATA_TTL_SECONDS).exec()
  }
  return { ...ref, stored: true }
}

/** The pixels a job names, or a clear reason why the worker cannot train on them. */
export async function getPixels(redis: Redis, ref: PixelRef): Promise<TrainingData> {
  const [images, trimaps, healthImages, healthTrimaps] = await redis.hmgetBuffer(keys.data(ref.sha256), 'images', 'trimaps', 'healthImages', 'healthTrimaps')
  if (!images) throw new AppError('NOT_FOUND', `the run's pixels (${ref.sha256.slice(0, 12)}…) are no longer in Redis (expired or evicted): queue the run again from the app`)
  const px = ref.size * ref.size
  const h = ref.health
  const fits =
    images.byteLength === ref.count * px * 3 && (!ref.trimaps || trimaps?.byteLength === ref.count * px) &&
    (!h || (healthImages?.byteLength === h.count * px * 3 && (!h.trimaps || healthTrimaps?.byteLength === h.count * px)))
  if (!fits) throw new AppError('BAD_INPUT', `the run's pixels in Redis do not have the size the job says (${ref.count} images of ${ref.size} px)`)
  const f: Fields = {
    images, trimaps: ref.trimaps ? (trimaps ?? null) : null,
    healthImages: h ? (healthImages ?? null) : null, healthTrimaps: h?.trimaps ? (healthTrimaps ?? null) : null,
  }
  if (sumOf(ref.size, f) !== ref.sha256) throw new AppError('BAD_INPUT', "the run's pixels in Redis do not match their sha256")
  // Copies the worker thread can own (transferred, so not views into a shared pool).
  const own = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer
  const mine = (b: Uint8Array | null): ArrayBuffer | null => (b ? own(b) : null)
  const health = h && f.healthImages ? { count: h.count, images: own(f.healthImages), trimaps: mine(f.healthTrimaps) } : null
  return { size: ref.size, count: ref.count, images: own(images), trimaps: mine(f.trimaps), health }
}
