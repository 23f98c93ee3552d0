// The demo generator: deterministic from its seed, the release's layout, values and quirks.
import sharp from 'sharp'
import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseListFile } from '../../../src/main/dataset/list-files'
import { parseHeadBox } from '../../../src/main/dataset/head-box'
import { sniffFormat } from '../../../src/main/dataset/magic'
import { generateDemo, planDemo, type DemoResult } from '../../../src/main/dataset/demo/generate'

let dir: string
let result: DemoResult
const root = (): string => join(dir, 'a')

function hashTree(folder: string): string {
  const h = createHash('sha256')
  for (const sub of ['images', 'annotations/trimaps', 'annotations/xmls', 'annotations']) {
    for (const f of readdirSync(join(folder, sub)).sort()) {
      if (!f.includes('.')) continue
      h.update(f)
      h.update(readFileSync(join(folder, sub, f)))
    }
  }
  return h.digest('hex')
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-demo-'))
  result = await generateDemo({ out: root(), count: 37, seed: 7 })
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('planDemo', () => {
  it('spreads the count over all 37 breeds and keeps a few images in no split', () => {
    const items = planDemo(370, 1)
    expect(items).toHaveLength(370)
    expect(new Set(items.map((i) => i.breed.name)).size).toBe(37)
    expect(items.filter((i) => i.breed.name === 'pug')).toHaveLength(10)
    const none = items.filter((i) => i.split === 'none').length
    expect(none).toBeGreaterThanOrEqual(1)
    expect(none).toBeLessThan(10)
    expect(items.filter((i) => i.split === 'trainval').length).toBeGreaterThan(100)
    expect(items.filter((i) => i.split === 'test').length).toBeGreaterThan(100)
    const full = planDemo(7390, 1)
    expect(full.filter((i) => i.split === 'none')).toHaveLength(41)
  })

  it('rejects counts below one per breed', () => {
    expect(() => planDemo(36, 1)).toThrow(/from 37/)
    expect(() => planDemo(40.5, 1)).toThrow()
  })
})

describe('generateDemo', () => {
  it('writes the official layout with list.txt header and splits', () => {
    const list = readFileSync(join(root(), 'annotations/list.txt'), 'utf8').split('\n')
    expect(list.slice(0, 6).every((l) => l.startsWith('#'))).toBe(true)
    expect(list[6]!.startsWith('#')).toBe(false)
    const entries = parseListFile(list.join('\n'), 'list.txt')
    const trainval = parseListFile(readFileSync(join(root(), 'annotations/trainval.txt'), 'utf8'), 'trainval.txt')
    const test = parseListFile(readFileSync(join(root(), 'annotations/test.txt'), 'utf8'), 'test.txt')
    // As in the release, list.txt holds exactly the images of the two splits.
    expect(entries.length).toBe(trainval.length + test.length)
    expect(entries.length).toBe(result.images - result.splits.none)
    expect(result.splits.none).toBeGreaterThanOrEqual(1)
    expect(entries.find((e) => e.name.startsWith('Sphynx_'))).toMatchObject({ classId: 34, species: 'cat', breedId: 12 })
    const jpgs = readdirSync(join(root(), 'images')).filter((f) => f.endsWith('.jpg'))
    expect(jpgs).toHaveLength(37)
  })

  it('writes 8-bit grayscale trimaps of the image size with values 1, 2 and a band of 3', async () => {
    for (const name of ['Abyssinian_1', 'pug_1', 'keeshond_1']) {
      const png = readFileSync(join(root(), 'annotations/trimaps', `${name}.png`))
      const meta = await sharp(png).metadata()
      expect(meta).toMatchObject({ format: 'png', channels: 1, depth: 'uchar' })
      const img = await sharp(join(root(), 'images', `${name}.jpg`)).metadata()
      expect([meta.width, meta.height]).toEqual([img.width, img.height])
      expect(img.width).toBeGreaterThanOrEqual(150)
      expect(img.width).toBeLessThanOrEqual(500)
      const { data } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true })
      const counts = [0, 0, 0, 0]
      for (const v of data) counts[v]!++
      expect(counts[0]).toBe(0)
      expect(counts[1]).toBeGreaterThan(data.length * 0.03)
      expect(counts[2]).toBeGreaterThan(data.length * 0.3)
      // A 2–3 px band around a blob: far smaller than the pet, far larger than a dotted outline.
      expect(counts[3]).toBeGreaterThan(Math.sqrt(counts[1]!) * 4)
      expect(counts[3]).toBeLessThan(counts[1]!)
    }
  })

  it('writes the quirks of the release', () => {
    const bytes = (f: string): Buffer => readFileSync(join(root(), f))
    expect(sniffFormat(bytes('images/Abyssinian_1.jpg'))).toBe('png')
    expect(sniffFormat(bytes('images/Egyptian_Mau_1.jpg'))).toBe('gif')
    const corrupt = bytes('images/beagle_1.jpg')
    expect(sniffFormat(corrupt)).toBe('jpeg')
    expect(corrupt.subarray(-2)).not.toEqual(Buffer.from([0xff, 0xd9]))
    expect(bytes('images/Abyssinian_101.mat').toString('latin1')).toMatch(/^MATLAB 5\.0 MAT-file/)
    expect(readdirSync(join(root(), 'annotations/trimaps')).filter((f) => f.startsWith('._'))).toHaveLength(1)
    expect(result.quirks.map((q) => q.what)).toEqual(expect.arrayContaining(['PNG named .jpg', 'GIF named .jpg']))
  })

  it('writes head boxes inside the image for trainval images only', async () => {
    const xmls = readdirSync(join(root(), 'annotations/xmls'))
    expect(xmls.length).toBe(result.xmls)
    expect(xmls.length).toBeGreaterThan(0)
    const trainval = readFileSync(join(root(), 'annotations/trainval.txt'), 'utf8')
    for (const f of xmls) {
      const name = f.replace('.xml', '')
      expect(trainval).toContain(`${name} `)
      const box = parseHeadBox(readFileSync(join(root(), 'annotations/xmls', f), 'utf8'), f)
      const meta = await sharp(join(root(), 'images', `${name}.jpg`)).metadata()
      expect(box.xmin).toBeGreaterThanOrEqual(0)
      expect(box.xmax).toBeLessThanOrEqual(meta.width!)
      expect(box.ymax).toBeLessThanOrEqual(meta.height!)
    }
  })

  it('is byte-for-byte deterministic for a seed and differs for another seed', async () => {
    await generateDemo({ out: join(dir, 'b'), count: 37, seed: 7 })
    await generateDemo({ out: join(dir, 'c'), count: 37, seed: 8 })
    expect(hashTree(join(dir, 'b'))).toBe(hashTree(root()))
    expect(hashTree(join(dir, 'c'))).not.toBe(hashTree(root()))
  })
})
