// A pool worker's cache of images fetched from an app: whole files or none (temp file + rename), files
// of the wrong size refused on the way in and ignored on the way out, and a fingerprint dropped alone.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PixelCache } from '../../../src/main/pool/pixel-cache'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)
let root = ''
let cache: PixelCache

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'wb-pixel-cache-'))
  cache = new PixelCache(root)
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

const filesOf = (fingerprint: string, size: number): string[] => readdirSync(join(root, fingerprint, String(size))).sort()
const rgb = (size: number, v: number): Uint8Array => new Uint8Array(size * size * 3).fill(v)

describe('PixelCache', () => {
  it('gives back what was put, per dataset, size, image and kind, and nothing for the rest', async () => {
    await cache.put(A, 8, 'cat_1', 'rgb', rgb(8, 7))
    await cache.put(A, 8, 'cat_1', 'tri', new Uint8Array(64).fill(2))
    expect(await cache.get(A, 8, 'cat_1', 'rgb')).toEqual(rgb(8, 7))
    expect(await cache.get(A, 8, 'cat_1', 'tri')).toEqual(new Uint8Array(64).fill(2))
    expect(await cache.get(A, 16, 'cat_1', 'rgb')).toBeNull()
    expect(await cache.get(A, 8, 'cat_2', 'rgb')).toBeNull()
    expect(await cache.get(B, 8, 'cat_1', 'rgb')).toBeNull()
  })

  it('writes through a temp file renamed into place: no temp file stays, and a second put replaces the first', async () => {
    await cache.put(A, 8, 'cat_1', 'rgb', rgb(8, 1))
    await cache.put(A, 8, 'cat_1', 'rgb', rgb(8, 9))
    const files = filesOf(A, 8)
    expect(files).toHaveLength(1)
    expect(files[0]).toMatch(/^[0-9a-f]{32}\.rgb$/)
    expect(await cache.get(A, 8, 'cat_1', 'rgb')).toEqual(rgb(8, 9))
  })

  it('refuses bytes of the wrong size, naming the image, and writes nothing', async () => {
    await expect(cache.put(A, 8, 'cat_1', 'rgb', new Uint8Array(64))).rejects.toThrow('a cached .rgb of "cat_1" at 8 px must be 192 bytes, not 64')
    await expect(cache.put(A, 8, 'cat_1', 'tri', rgb(8, 1))).rejects.toThrow('must be 64 bytes, not 192')
    expect(await cache.get(A, 8, 'cat_1', 'rgb')).toBeNull()
  })

  it('takes a file cut short (a crash mid-write outside the cache\'s own writes) as absent', async () => {
    await cache.put(A, 8, 'cat_1', 'rgb', rgb(8, 3))
    const [file] = filesOf(A, 8)
    writeFileSync(join(root, A, '8', file!), rgb(8, 3).subarray(0, 100))
    expect(await cache.get(A, 8, 'cat_1', 'rgb')).toBeNull()
  })

  it('drops one dataset\'s images and keeps the others\'', async () => {
    await cache.put(A, 8, 'cat_1', 'rgb', rgb(8, 1))
    await cache.put(B, 8, 'cat_1', 'rgb', rgb(8, 2))
    await cache.drop(A)
    expect(await cache.get(A, 8, 'cat_1', 'rgb')).toBeNull()
    expect(await cache.get(B, 8, 'cat_1', 'rgb')).toEqual(rgb(8, 2))
  })

  it('keeps names that look like paths inside the cache, and refuses a fingerprint that is not one', async () => {
    await cache.put(A, 8, '../../escape', 'rgb', rgb(8, 4))
    expect(filesOf(A, 8)).toHaveLength(1)
    expect(readdirSync(root)).toEqual([A])
    await expect(cache.put('../x', 8, 'cat_1', 'rgb', rgb(8, 1))).rejects.toThrow('not a dataset fingerprint')
  })
})
