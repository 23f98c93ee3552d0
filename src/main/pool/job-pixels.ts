// Where a pool worker gets a job's pixels, in this order: built from its own copy of the dataset when
// it holds one with the job's fingerprint and the result has the job's sha256 (nothing downloaded);
// else fetched from the app's web mode when the job names it (the images it lacks, kept in the
// worker's cache); else the copy in Redis when the app stored one; else the job goes back to the
// queue (GiveBack), since another worker may hold the dataset or reach the app.
import type { Redis } from 'ioredis'
import { AppError } from '../../shared/errors'
import type { TrainingData } from '../../shared/training-protocol'
import { fetchPixels } from './fetch-pixels'
import { GiveBack } from './give-back'
import type { LocalDatasets } from './local-datasets'
import type { PixelCache } from './pixel-cache'
import { describePixels, getPixels, pixelRefOf } from './pixels'
import type { PoolJob } from './protocol'

const short = (sha: string): string => `${sha.slice(0, 12)}…`
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err))

/**
 * `local`: the copies of datasets this worker holds (--dataset-root); `cache`: where images fetched from
 * an app are kept (without one nothing is fetched); `log`: a line for the app about where the pixels
 * came from when it is not the usual place.
 */
export async function jobPixels(
  redis: Redis, local: LocalDatasets | undefined, ref: PoolJob['data'], log: (line: string) => void, cache?: PixelCache,
): Promise<TrainingData> {
  const dataset = ref.dataset ? `dataset ${short(ref.dataset.fingerprint)}` : 'its dataset'
  const built = await fromLocal(local, ref)
  if (typeof built !== 'string') {
    log(`pixels built from this worker's copy of ${dataset} (${describePixels(ref)}), nothing downloaded`)
    return built
  }
  const reasons = [built || `no copy of ${dataset} here`]
  if (ref.fetch && cache) {
    try {
      const got = await fetchPixels(ref, cache, log)
      log(`pixels fetched from the app at ${ref.fetch.url} (${describePixels(ref)}): ${got.downloaded} of ${got.files} files downloaded, the rest from this worker's cache`)
      return got.data
    } catch (err) {
      reasons.push(messageOf(err))
    }
  }
  const why = reasons.join('; ')
  const gone = (where: string): GiveBack => new GiveBack(`${why}, and the run's ${describePixels(ref)} ${where}`)
  if (!ref.stored) throw gone(ref.fetch ? 'were not stored in Redis (the app serves them over HTTP)' : 'were not stored in Redis (above the app\'s cap)')
  if (built || reasons.length > 1) log(`${why}: using the pixels in Redis`)
  try {
    return await getPixels(redis, ref)
  } catch (err) {
    // Expired or evicted: a worker holding the dataset can still train the run.
    if (err instanceof AppError && err.code === 'NOT_FOUND') throw gone('are no longer in Redis (expired or evicted)')
    throw err
  }
}

/** The pixels built from a matching local copy, or why not ('' when this worker holds no datasets at all). */
async function fromLocal(local: LocalDatasets | undefined, ref: PoolJob['data']): Promise<TrainingData | string> {
  const want = ref.dataset
  if (!local || local.list.length === 0) return ''
  if (!want) return 'the job does not name its dataset (an older app)'
  const copy = local.find(want.fingerprint)
  const held = local.list.map((d) => short(d.fingerprint)).join(', ')
  if (!copy) return `this worker's copies (${held}) are not dataset ${short(want.fingerprint)}`
  let data: TrainingData
  try {
    data = await local.build(copy, { images: want.names, health: want.healthNames }, ref.size, ref.trimaps)
  } catch (err) {
    return `the copy of dataset ${short(want.fingerprint)} at ${copy.root} could not build the run's pixels: ${messageOf(err)}`
  }
  const got = pixelRefOf(data).sha256
  if (got === ref.sha256) return data
  return `the copy of dataset ${short(want.fingerprint)} at ${copy.root} built different pixels (sha256 ${short(got)}, the job's ${short(ref.sha256)}): an image or label differs from the app's, or was resized by another libvips`
}
