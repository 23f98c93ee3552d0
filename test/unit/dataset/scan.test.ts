// Folder layout checks and the scanner's skip rules (.mat, ._*, strays).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkLayout, escapeName, scanDataset } from '../../../src/main/dataset/scan'
import { resolveDatasetInput } from '../../../src/main/dataset/inputs'

let dir: string
const touch = (rel: string, text = 'x'): void => {
  mkdirSync(join(dir, rel, '..'), { recursive: true })
  writeFileSync(join(dir, rel), text)
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-scan-'))
  for (const f of ['ds/images/pug_1.jpg', 'ds/images/pug_2.JPG', 'ds/images/pug_1.png', 'ds/images/pug_3.mat',
    'ds/images/._pug_1.jpg', 'ds/images/notes.txt', 'ds/annotations/list.txt', 'ds/annotations/trimaps/pug_1.png',
    'ds/annotations/trimaps/._pug_1.png', 'ds/annotations/xmls/pug_1.xml', 'ds/annotations/xmls/.DS_Store',
    'only-images/images/pug_1.jpg', 'arch/images.tar.gz', 'arch/annotations.tar.gz']) touch(f)
  mkdirSync(join(dir, 'ds/images/sub'))
  mkdirSync(join(dir, 'empty'))
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('checkLayout', () => {
  it('names what is missing from a folder that is not a dataset', () => {
    expect(() => checkLayout(join(dir, 'empty'))).toThrow(/not an Oxford-IIIT Pet dataset: no images\/ folder, no annotations\/ folder/)
    expect(() => checkLayout(join(dir, 'only-images'))).toThrow(/no annotations\/ folder/)
    touch('only-images/annotations/README')
    expect(() => checkLayout(join(dir, 'only-images'))).toThrow(/no annotations\/list\.txt/)
    expect(() => checkLayout(join(dir, 'nope'))).toThrow(/No such folder/)
    expect(() => checkLayout(join(dir, 'ds/images/pug_1.jpg'))).toThrow(/is a file, not a dataset folder/)
  })
})

describe('scanDataset', () => {
  it('finds images, trimaps and xmls and skips the rest', () => {
    const s = scanDataset(join(dir, 'ds'))
    expect(s.images.map((i) => i.name)).toEqual(['pug_1', 'pug_2'])
    expect(s.images[1]).toMatchObject({ rel: 'images/pug_2.JPG', ext: '.JPG', bytes: 1 })
    expect([...s.trimaps.keys()]).toEqual(['pug_1'])
    expect([...s.xmls.keys()]).toEqual(['pug_1'])
    expect(s.skipped).toEqual([
      'annotations/trimaps/._pug_1.png',
      'annotations/xmls/.DS_Store',
      'images/._pug_1.jpg',
      'images/notes.txt',
      'images/pug_1.png',
      'images/pug_3.mat',
      'images/sub/',
    ])
  })
})

describe('scanDataset with names that are not UTF-8', () => {
  it('reports such a file with the reason, skips a dot file, and scans the rest', () => {
    const bytes = (rel: string, bad: number[], tail: string): Buffer =>
      Buffer.concat([Buffer.from(join(dir, rel)), Buffer.from(bad), Buffer.from(tail)])
    mkdirSync(join(dir, 'names/images'), { recursive: true })
    mkdirSync(join(dir, 'names/annotations/trimaps'), { recursive: true })
    writeFileSync(join(dir, 'names/annotations/list.txt'), '')
    writeFileSync(join(dir, 'names/images/pug_1.jpg'), 'x')
    writeFileSync(bytes('names/images/Bad', [0xff, 0xfe], '_1.jpg'), 'x')
    writeFileSync(bytes('names/images/._Bad', [0xe9], '_1.jpg'), 'x')
    writeFileSync(bytes('names/annotations/trimaps/Bad', [0xc3, 0x28], '_1.png'), 'x')
    const s = scanDataset(join(dir, 'names'))
    expect(s.images.map((i) => i.name)).toEqual(['pug_1'])
    expect(s.skipped).toEqual(['images/._Bad\\xe9_1.jpg'])
    expect(s.unreadable).toEqual([
      { file: 'annotations/trimaps/Bad\\xc3(_1.png', reason: 'file name is not valid UTF-8 (rename the file)' },
      { file: 'images/Bad\\xff\\xfe_1.jpg', reason: 'file name is not valid UTF-8 (rename the file)' },
    ])
    expect(escapeName(Buffer.from('a\\b\n'))).toBe('a\\x5cb\\x0a')
  })
})

describe('resolveDatasetInput', () => {
  it('tells a dataset folder, a folder of archives and archive files apart', () => {
    expect(resolveDatasetInput([join(dir, 'ds')])).toEqual({ kind: 'folder', root: join(dir, 'ds') })
    expect(resolveDatasetInput([join(dir, 'arch')])).toEqual({
      kind: 'archives',
      archives: [join(dir, 'arch/annotations.tar.gz'), join(dir, 'arch/images.tar.gz')],
      dest: join(dir, 'arch'),
    })
    expect(resolveDatasetInput([join(dir, 'arch/images.tar.gz')])).toMatchObject({ kind: 'archives', dest: join(dir, 'arch') })
    expect(() => resolveDatasetInput([join(dir, 'missing')])).toThrow(/No such file or folder/)
    expect(() => resolveDatasetInput([])).toThrow(/No dataset folder/)
  })
})
