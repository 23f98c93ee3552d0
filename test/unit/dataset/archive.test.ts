// Archive detection by magic bytes: tar, tar.gz (also when misnamed), and neither.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { c as createTar } from 'tar'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { detectArchive } from '../../../src/main/dataset/archive'

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
