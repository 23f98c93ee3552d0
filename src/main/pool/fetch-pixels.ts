// A pool worker's pixels of a job fetched from the app's web mode (web/pool-data.ts): each image's
// resized RGB (and trimap when the job has trimaps; the SSL-health batch always has them), a few
// requests at a time, taken from and kept in the worker's PixelCache, then checked against the job's
// sha256. A mismatch drops the dataset's cache and fetches everything once more.
import type { TrainingData } from '../../shared/training-protocol'
import { runPool } from '../dataset/pool'
import { cachedBytes, type CachedKind, type PixelCache } from './pixel-cache'
import { pixelRefOf } from './pixels'
import type { PoolJob } from './protocol'

/** Requests in flight at once: enough to hide a LAN's latency, few enough not to crowd the app. */
const IN_FLIGHT = 4
const REQUEST_TIMEOUT_MS = 60_000

type Fetch = NonNullable<PoolJob['data']['fetch']>
/** One batch of images to assemble: the run's own, or its SSL-health batch. */
interface Batch {
  names: string[]
  ids: number[]
  trimaps: boolean
}

export interface Fetched {
  data: TrainingData
  /** Files downloaded (the rest came from the cache). */
  downloaded: number
  files: number
}

const short = (sha: string): string => `${sha.slice(0, 12)}…`
const routeOf = (kind: CachedKind): string => (kind === 'rgb' ? 'pixels' : 'trimap')

/** The job's pixels from the app (or this worker's cache of it); throws with a reason naming the URL, never the token. */
export async function fetchPixels(ref: PoolJob['data'], cache: PixelCache, log: (line: string) => void): Promise<Fetched> {
  const { fetch: src, dataset } = ref
  if (!src || !dataset) throw new Error('the job names no app to fetch its images from')
  const batches: Batch[] = [{ names: dataset.names, ids: src.ids, trimaps: ref.trimaps }]
  if (ref.health && dataset.healthNames && src.healthIds) batches.push({ names: dataset.healthNames, ids: src.healthIds, trimaps: ref.health.trimaps })
  const first = await assemble(src, dataset.fingerprint, ref.size, batches, cache)
  const sum = pixelRefOf(first.data).sha256
  if (sum === ref.sha256) return first
  log(`the cached and fetched images of dataset ${short(dataset.fingerprint)} make other pixels (sha256 ${short(sum)}, the job's ${short(ref.sha256)}): dropping this worker's cache of it and fetching them all again`)
  await cache.drop(dataset.fingerprint)
  const again = await assemble(src, dataset.fingerprint, ref.size, batches, cache)
  const sum2 = pixelRefOf(again.data).sha256
  if (sum2 === ref.sha256) return again
  await cache.drop(dataset.fingerprint)
  throw new Error(
    `the images the app at ${src.url} serves now make other pixels than the run's (sha256 ${short(sum2)}, the job's ${short(ref.sha256)}): an image or label changed after the run was queued; queue it again`,
  )
}

async function assemble(src: Fetch, fingerprint: string, size: number, batches: Batch[], cache: PixelCache): Promise<Fetched> {
  let downloaded = 0
  let files = 0
  const one = async (kind: CachedKind, name: string, id: number): Promise<Uint8Array> => {
    files += 1
    const hit = await cache.get(fingerprint, size, name, kind)
    if (hit) return hit
    const bytes = await download(src, routeOf(kind), id, size, cachedBytes(kind, size))
    downloaded += 1
    await cache.put(fingerprint, size, name, kind, bytes)
    return bytes
  }
  const px = size * size
  const built = []
  for (const b of batches) {
    const images = new Uint8Array(b.names.length * px * 3)
    const trimaps = b.trimaps ? new Uint8Array(b.names.length * px) : null
    await runPool(b.names, IN_FLIGHT, async (name, k) => {
      images.set(await one('rgb', name, b.ids[k]!), k * px * 3)
      trimaps?.set(await one('tri', name, b.ids[k]!), k * px)
    }, () => undefined)
    built.push({ count: b.names.length, images: images.buffer, trimaps: trimaps ? trimaps.buffer : null })
  }
  const [main, health] = [built[0]!, built[1] ?? null]
  return { data: { size, count: main.count, images: main.images, trimaps: main.trimaps, health }, downloaded, files }
}

/** One image's bytes from the app's pool route, or an error naming the URL and what went wrong. */
async function download(src: Fetch, route: string, id: number, size: number, bytes: number): Promise<Uint8Array> {
  const url = new URL(`pool/${route}/${id}?size=${size}`, src.url.endsWith('/') ? src.url : `${src.url}/`)
  let res: Response
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${src.token}` }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
  } catch (err) {
    throw new Error(`cannot reach the app at ${url.href}: ${causeOf(err)}`)
  }
  if (!res.ok) throw new Error(`the app at ${url.href} answered HTTP ${res.status}${await reasonOf(res)}`)
  const body = new Uint8Array(await res.arrayBuffer())
  if (body.byteLength !== bytes) throw new Error(`the app at ${url.href} sent ${body.byteLength} bytes, not ${bytes}`)
  return body
}

/** fetch's own error says only "fetch failed"; the reason (ECONNREFUSED, a timeout) is its cause. */
function causeOf(err: unknown): string {
  const cause = err instanceof Error ? ((err.cause as Error | undefined) ?? err) : null
  if (!cause) return String(err)
  const code = (cause as NodeJS.ErrnoException).code
  return code && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message
}

/** The app's own words for a refused request (its { error: { message } } body), when it sent any. */
async function reasonOf(res: Response): Promise<string> {
  const text = await res.text().catch(() => '')
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message
    return typeof message === 'string' ? ` (${message})` : ''
  } catch {
    return ''
  }
}
