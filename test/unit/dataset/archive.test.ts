// Archive detection by magic bytes: tar, tar.gz (also when misnamed), and neither; extraction that
// changes the dataset folder only when the whole archive could be read.
import { randomBytes } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { c as createTar } from 'tar'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { detectArchive, extractArchive } from '../../../src/main/dataset/archive'

let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-archive-'))
  mkdirSync(join(dir, 'src/annotations'), { recursive: true })
  writeFileSync(join(dir, 'src/annotations/list.txt'), '#x\n')
  await createTar({ file: join(dir, 'plain.tar.gz'), cwd: join(dir, 'src') }, ['annotations'])
  await createTar({ file: join(dir, 'real.tar.gz'), cwd: join(dir, 'src'), gzip: true }, ['annotations'])
  writeFileSync(join(dir, 'text.tar.gz'), 'this is not an archive at all, just text'.repeat(20))
  writeFileSync(join(dir, 'gz-text.tar.gz'), gzipSync(Buffer.from('hello '.repeat(200))))
  writeFileSync(join(dir, 'empty.tar'), '')
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('detectArchive', () => {
  it('tells plain tar (despite .tar.gz) from gzip-compressed tar', () => {
    expect(detectArchive(join(dir, 'plain.tar.gz'))).toBe('tar')
    expect(detectArchive(join(dir, 'real.tar.gz'))).toBe('tar.gz')
  })

  it('says when a file is neither tar nor tar.gz', () => {
    expect(() => detectArchive(join(dir, 'text.tar.gz'))).toThrow(/text\.tar\.gz is neither a tar nor a tar\.gz archive/)
    expect(() => detectArchive(join(dir, 'empty.tar'))).toThrow(/neither a tar nor a tar\.gz/)
    expect(() => detectArchive(join(dir, 'gz-text.tar.gz'))).toThrow(/gzip-compressed but holds no tar archive/)
  })
})

/** Every path under `root` with its bytes (folders as '/'), to compare a folder before and after. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const rel of readdirSync(root, { recursive: true, encoding: 'utf8' }).sort()) {
    const p = join(root, rel)
    out[rel] = statSync(p).isDirectory() ? '/' : readFileSync(p).toString('base64')
  }
  return out
}

describe('extractArchive', () => {
  let work: string

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'wb-extract-'))
    const src = join(work, 'release')
    mkdirSync(join(src, 'images'), { recursive: true })
    mkdirSync(join(src, 'annotations'), { recursive: true })
    // Random bytes so gzip cannot shrink them: a cut in the middle then falls after whole entries.
    for (let i = 0; i < 6; i++) writeFileSync(join(src, `images/pet_${i}.jpg`), randomBytes(64 * 1024))
    writeFileSync(join(src, 'annotations/list.txt'), '#new list\n')
    await createTar({ file: join(work, 'whole.tar.gz'), cwd: src, gzip: true }, ['annotations', 'images'])
    const whole = readFileSync(join(work, 'whole.tar.gz'))
    writeFileSync(join(work, 'cut.tar.gz'), whole.subarray(0, Math.floor(whole.length * 0.7)))
  })

  afterAll(() => rmSync(work, { recursive: true, force: true }))

  /** A dataset folder that already holds the archive and a previous import's files. */
  function datasetWith(archive: string): string {
    const dest = mkdtempSync(join(work, 'dest-'))
    mkdirSync(join(dest, 'images'))
    mkdirSync(join(dest, 'annotations'))
    writeFileSync(join(dest, 'images/pet_0.jpg'), 'old pet 0')
    writeFileSync(join(dest, 'images/kept.jpg'), 'kept')
    writeFileSync(join(dest, 'annotations/list.txt'), '#old list\n')
    copyFileSync(join(work, archive), join(dest, archive))
    return dest
  }

  it('leaves the folder exactly as it was when the archive is truncated', async () => {
    const dest = datasetWith('cut.tar.gz')
    const before = snapshot(dest)
    await expect(extractArchive(join(dest, 'cut.tar.gz'), dest, () => {})).rejects.toThrow(/cut\.tar\.gz could not be extracted/)
    expect(snapshot(dest)).toEqual(before)
  })

  it('does not leave behind a destination folder it had to create', async () => {
    const dest = join(work, 'fresh', 'pets')
    await expect(extractArchive(join(work, 'cut.tar.gz'), dest, () => {})).rejects.toMatchObject({ code: 'BAD_ARCHIVE' })
    expect(existsSync(join(work, 'fresh'))).toBe(false)
  })

  it('merges a whole archive into the folder, replacing namesakes and keeping the rest', async () => {
    const dest = datasetWith('whole.tar.gz')
    expect(await extractArchive(join(dest, 'whole.tar.gz'), dest, () => {})).toBeGreaterThanOrEqual(8)
    const after = snapshot(dest)
    expect(Object.keys(after).filter((p) => p.startsWith('.'))).toEqual([])
    expect(readFileSync(join(dest, 'images/kept.jpg'), 'utf8')).toBe('kept')
    expect(readFileSync(join(dest, 'annotations/list.txt'), 'utf8')).toBe('#new list\n')
    expect(statSync(join(dest, 'images/pet_5.jpg')).size).toBe(64 * 1024)
  })
})
