// A pool worker's cache of the resized images and trimaps it fetched from an app's web mode, so a
// second run on the same images downloads nothing: `<data-dir>/cache/<dataset fingerprint>/<size>/`
// holds one `.rgb` (size×size×3) and one `.tri` (size×size class ids) per image. Files are keyed by
// the image's name, not the app's image id: ids are rows of one app's database, and two apps on the
// same dataset (the same fingerprint) would otherwise get each other's images.
import { createHash, randomUUID } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export type CachedKind = 'rgb' | 'tri'

const FINGERPRINT = /^[0-9a-f]{64}$/

/** Bytes of one cached image of a kind at size×size. */
export function cachedBytes(kind: CachedKind, size: number): number {
  return size * size * (kind === 'rgb' ? 3 : 1)
}

export class PixelCache {
  constructor(readonly root: string) {}

  /** The cached bytes, or null when absent or not of the size they must have (a file cut short counts as absent). */
  async get(fingerprint: string, size: number, name: string, kind: CachedKind): Promise<Uint8Array | null> {
    let bytes: Buffer
    try {
      bytes = await readFile(this.file(fingerprint, size, name, kind))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
    return bytes.byteLength === cachedBytes(kind, size) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : null
  }

  /**
   * Stores the bytes in one step (a temp file renamed over the final name), so a reader — another job
   * of this worker, or the next run after a crash — sees the whole file or none.
   */
  async put(fingerprint: string, size: number, name: string, kind: CachedKind, bytes: Uint8Array): Promise<void> {
    const want = cachedBytes(kind, size)
    if (bytes.byteLength !== want) throw new Error(`a cached .${kind} of ${JSON.stringify(name)} at ${size} px must be ${want} bytes, not ${bytes.byteLength}`)
    const file = this.file(fingerprint, size, name, kind)
    await mkdir(join(this.dir(fingerprint), String(size)), { recursive: true })
    const temp = `${file}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`
    try {
      await writeFile(temp, bytes)
      await rename(temp, file)
    } catch (err) {
      await rm(temp, { force: true })
      throw err
    }
  }

  /** Forgets every image of the dataset (its cached bytes no longer make the pixels a job names). */
  async drop(fingerprint: string): Promise<void> {
    await rm(this.dir(fingerprint), { recursive: true, force: true })
  }

  dir(fingerprint: string): string {
    // The fingerprint comes from a job: it must never name a path outside the cache.
    if (!FINGERPRINT.test(fingerprint)) throw new Error(`not a dataset fingerprint (64 hex digits): ${JSON.stringify(fingerprint)}`)
    return join(this.root, fingerprint)
  }

  private file(fingerprint: string, size: number, name: string, kind: CachedKind): string {
    // Hashed: an image name from a job may hold anything, and must not become a path.
    const key = createHash('sha256').update(name).digest('hex').slice(0, 32)
    return join(this.dir(fingerprint), String(size), `${key}.${kind}`)
  }
}
