// Image cache on disk (sharp): thumbnails built during indexing, fixed-size RGB arrays and trimaps for
// training, and full images as bytes a browser can show. Keyed by dataset id + image name.
import sharp from 'sharp'
import { readdirSync, rmSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../shared/errors'
import type { Trimap } from '../../shared/trimap'
import type { ImageFormat } from '../../shared/types/dataset'
import { fileSig } from './file-sig'
import { FORMAT_MIME } from './magic'

export const THUMB_SIZE = 160

let tmpCounter = 0
/** A temp name unique within this process too: two requests may build the same entry at once. */
const tmpName = (file: string): string => `${file}.${process.pid}-${tmpCounter++}.tmp`

export interface MediaBytes {
  bytes: Buffer
  mime: string
}

/**
 * Thumbnail: long side THUMB_SIZE, JPEG. `opaque` (a JPEG source) skips flattening alpha on white,
 * and Huffman optimisation is off: both cost time on 7,390 images for no visible gain.
 * Throws sharp's error when the source is undecodable.
 */
export async function writeThumb(input: Buffer | string, out: string, opaque = false): Promise<void> {
  const tmp = tmpName(out)
  let img = sharp(input).resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
  if (!opaque) img = img.flatten({ background: '#ffffff' })
  try {
    await img.toColourspace('srgb').jpeg({ quality: 78, optimiseCoding: false }).toFile(tmp)
    // Rename so a reader never sees a half-written thumbnail.
    await rename(tmp, out)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/** A trimap PNG (file or bytes) as raw class ids (first channel of whatever the PNG holds). */
export async function decodeTrimap(file: string | Buffer): Promise<Trimap> {
  const { data, info } = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, data: ownBytes(data) }
}

/** A Uint8Array that owns its whole ArrayBuffer: structured clone (IPC, workers) copies the entire buffer. */
function ownBytes(b: Buffer): Uint8Array {
  const whole = b.byteOffset === 0 && b.byteLength === b.buffer.byteLength
  return whole ? new Uint8Array(b.buffer, 0, b.length) : new Uint8Array(b)
}

export class ImageCache {
  constructor(readonly dir: string) {}

  datasetDir(datasetId: number): string {
    return join(this.dir, `dataset-${datasetId}`)
  }

  thumbPath(datasetId: number, name: string): string {
    return join(this.datasetDir(datasetId), 'thumbs', `${name}.jpg`)
  }

  async ensureDirs(datasetId: number): Promise<void> {
    await mkdir(join(this.datasetDir(datasetId), 'thumbs'), { recursive: true })
  }

  /** The thumbnail, rebuilt from the source when the cache lost it. */
  async thumb(datasetId: number, name: string, source: string): Promise<MediaBytes> {
    const file = this.thumbPath(datasetId, name)
    try {
      return { bytes: await readFile(file), mime: 'image/jpeg' }
    } catch {
      await this.ensureDirs(datasetId)
      await writeThumb(source, file)
      return { bytes: await readFile(file), mime: 'image/jpeg' }
    }
  }

  async removeThumb(datasetId: number, name: string): Promise<void> {
    await rm(this.thumbPath(datasetId, name), { force: true })
  }

  async removeDataset(datasetId: number): Promise<void> {
    await rm(this.datasetDir(datasetId), { recursive: true, force: true })
  }

  /**
   * size×size×3 RGB (stretched to fill, as the trimap is), cached on disk. `sig` identifies the
   * source version (bytes + mtime), so a changed file never hits a stale entry.
   */
  async resizedImage(datasetId: number, name: string, source: string, sig: string, size: number): Promise<Uint8Array> {
    const file = join(this.datasetDir(datasetId), `rgb-${size}`, `${name}~${sig}.rgb`)
    return this.cached(file, size * size * 3, async () => {
      const { data } = await sharp(source)
        .resize(size, size, { fit: 'fill' })
        .flatten({ background: '#ffffff' })
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true })
      return data
    })
  }

  /** size×size class ids, resized with nearest neighbour so no new class values appear. */
  async resizedTrimap(datasetId: number, name: string, trimapFile: string, size: number): Promise<Uint8Array> {
    const sig = fileSig(await stat(trimapFile))
    const file = join(this.datasetDir(datasetId), `tri-${size}`, `${name}~${sig}.tri`)
    return this.cached(file, size * size, async () => {
      const { data } = await sharp(trimapFile)
        .extractChannel(0)
        .resize(size, size, { fit: 'fill', kernel: 'nearest' })
        .raw()
        .toBuffer({ resolveWithObject: true })
      return data
    })
  }

  /**
   * Drop an image's resized trimaps made from the file version `sig` (fileSig), at every
   * size. The labels service calls it after overwriting a trimap: a new file could get the old
   * size and mtime (same length, same millisecond), and the old entries are orphans anyway.
   */
  /** Synchronous: it runs inside a trimap save, whose few small file operations are all sync (see writeFileAtomicSync). */
  dropResizedTrimaps(datasetId: number, name: string, sig: string): void {
    const dir = this.datasetDir(datasetId)
    let entries: string[] = []
    try {
      entries = readdirSync(dir)
    } catch {
      return // nothing cached for this dataset yet
    }
    for (const sub of entries) {
      if (sub.startsWith('tri-')) rmSync(join(dir, sub, `${name}~${sig}.tri`), { force: true })
    }
  }

  private async cached(file: string, length: number, make: () => Promise<Buffer>): Promise<Uint8Array> {
    try {
      const hit = await readFile(file)
      if (hit.length === length) return ownBytes(hit)
    } catch {
      // not cached yet
    }
    const data = await make()
    if (data.length !== length) throw new AppError('INTERNAL', `resized data has ${data.length} bytes, expected ${length}`)
    await mkdir(join(file, '..'), { recursive: true })
    const tmp = tmpName(file)
    await writeFile(tmp, data)
    await rename(tmp, file)
    return ownBytes(data)
  }
}

/** Identifies one version of a trimap file in cache entry names: size and mtime. */
/** Bytes a browser can show: real JPEG/PNG as they are; GIF, WebP, TIFF converted to PNG. */
export async function browserImage(source: string, format: ImageFormat): Promise<MediaBytes> {
  if (format === 'jpeg' || format === 'png') return { bytes: await readFile(source), mime: FORMAT_MIME[format] }
  const bytes = await sharp(source).toColourspace('srgb').png().toBuffer()
  return { bytes, mime: 'image/png' }
}
