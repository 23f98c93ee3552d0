// Checkpoint bundles, the way folders travel between the app and pool workers: a nested folder comes
// back byte for byte and replaces the old one whole, and a bundle naming a path outside its folder,
// or whose sizes do not add up, is refused before anything is written.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { packFolder, readBundle, unpackFolder } from '../../../src/main/pool/folder-bundle'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-bundle-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** A bundle by hand: header as given, then the bytes. */
function handMade(files: { path: string; bytes: number }[], body: Buffer): Buffer {
  const header = Buffer.from(JSON.stringify({ files }))
  const len = Buffer.alloc(4)
  len.writeUInt32BE(header.byteLength)
  return Buffer.concat([Buffer.from('UPB1'), len, header, body])
}

describe('folder bundles', () => {
  it('round-trips a nested folder and replaces the target as a whole', async () => {
    const src = join(dir, 'src')
    mkdirSync(join(src, 'sub'), { recursive: true })
    writeFileSync(join(src, 'weights.bin'), Buffer.from([0, 1, 2, 255]))
    writeFileSync(join(src, 'sub', 'model.json'), '{"a":1}')
    writeFileSync(join(src, 'empty'), '')
    const dst = join(dir, 'dst')
    mkdirSync(dst)
    writeFileSync(join(dst, 'stale.txt'), 'from an older checkpoint')
    await unpackFolder(await packFolder(src), dst)
    expect(readdirSync(dst).sort()).toEqual(['empty', 'sub', 'weights.bin'])
    expect([...readFileSync(join(dst, 'weights.bin'))]).toEqual([0, 1, 2, 255])
    expect(readFileSync(join(dst, 'sub', 'model.json'), 'utf8')).toBe('{"a":1}')
    expect(readdirSync(dir).sort()).toEqual(['dst', 'src'])
  })

  it('refuses paths outside the folder and leaves the target untouched', async () => {
    const dst = join(dir, 'dst')
    mkdirSync(dst)
    writeFileSync(join(dst, 'keep.txt'), 'kept')
    for (const bad of ['../escape.txt', '/etc/passwd-copy', 'a/../../b', 'a\\..\\b', '.']) {
      const buf = handMade([{ path: bad, bytes: 2 }], Buffer.from('hi'))
      await expect(unpackFolder(buf, dst)).rejects.toThrow(/not a checkpoint bundle/)
    }
    expect(existsSync(join(dir, 'escape.txt'))).toBe(false)
    expect(readdirSync(dst)).toEqual(['keep.txt'])
  })

  it('refuses a bundle whose sizes do not add up or whose format is unknown', () => {
    expect(() => readBundle(handMade([{ path: 'a', bytes: 5 }], Buffer.from('hi')))).toThrow(/add up/)
    expect(() => readBundle(Buffer.from('PK\u0003\u0004 a zip file'))).toThrow(/unknown format/)
  })
})
