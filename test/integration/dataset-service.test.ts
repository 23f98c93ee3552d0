// DatasetService against a real SQLite file and a generated demo dataset on disk: open, queries,
// incremental re-open, quirks, bad input, archive import, and the CLI's `dataset index --json`.
import sharp from 'sharp'
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { c as createTar } from 'tar'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rejects } from './rejects'
import { generateDemo } from '../../src/main/dataset/demo/generate'
import { ImageCache } from '../../src/main/dataset/image-cache'
import { openDatabase, type Db } from '../../src/main/db/open'
import { LabelsRepo } from '../../src/main/db/repositories/labels-repo'
import { DatasetService } from '../../src/main/services/dataset-service'
import type { DatasetProgress, IndexSummary } from '../../src/shared/types/dataset'

const run = promisify(execFile)
let dir: string
let pets: string
let db: Db
let svc: DatasetService
let summary: IndexSummary
const progress: DatasetProgress[] = []

const idOf = (name: string): number => {
  const hit = svc.listImages({ datasetId: summary.datasetId, search: name }).find((i) => i.name === name)
  if (!hit) throw new Error(`no image ${name}`)
  return hit.id
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-dsvc-'))
  pets = join(dir, 'pets')
  await generateDemo({ out: pets, count: 74, seed: 5 })
  db = openDatabase(join(dir, 'data/workbench.sqlite'))
  svc = new DatasetService({ db, cacheDir: join(dir, 'data/cache'), demoDir: join(dir, 'data/demo'), emit: (p) => progress.push(p) })
  summary = await svc.open(pets)
})

afterAll(() => {
  svc.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('open', () => {
  it('indexes every image with its split, label, skipped files and broken files', () => {
    expect(summary.images).toBe(74)
    expect(summary.labelled).toBe(74)
    expect(summary.splits.trainval + summary.splits.test + summary.splits.none).toBe(74)
    expect(summary.splits.none).toBeGreaterThanOrEqual(1)
    expect(summary.skipped).toEqual(['annotations/trimaps/._Abyssinian_1.png', 'images/Abyssinian_101.mat'])
    expect(summary.broken).toEqual([{ file: 'images/beagle_2.jpg', reason: expect.stringMatching(/^cannot decode JPEG: truncated/) }])
    expect(progress.some((p) => p.phase === 'index' && p.done === p.total && p.total === 74)).toBe(true)
    expect(svc.current()).toMatchObject({ root: pets, imageCount: 74, brokenCount: 1, isDemo: false })
    expect(svc.list()).toHaveLength(1)
  })

  it('records the real format, problems and head boxes of each image', () => {
    const png = svc.getImage(idOf('Abyssinian_2'))
    expect(png).toMatchObject({ format: 'png', problems: ['file is PNG but named .jpg'], broken: false, label: 'original' })
    expect(svc.getImage(idOf('Egyptian_Mau_2')).format).toBe('gif')
    const broken = svc.getImage(idOf('beagle_2'))
    expect(broken.broken).toBe(true)
    expect(broken.brokenReason).toMatch(/truncated/)
    const xmlNames = svc.listImages({ datasetId: summary.datasetId }).filter((i) => svc.getImage(i.id).headBox)
    expect(xmlNames.length).toBeGreaterThan(0)
    expect(xmlNames.every((i) => i.split === 'trainval')).toBe(true)
    expect(() => svc.getImage(999_999)).toThrow(/No image with id 999999/)
  })
})

describe('queries', () => {
  it('lists images in natural name order and filters them', () => {
    const all = svc.listImages({ datasetId: summary.datasetId })
    expect(all.slice(0, 3).map((i) => i.name)).toEqual(['Abyssinian_1', 'Abyssinian_2', 'american_bulldog_1'])
    expect(svc.listImages({ datasetId: summary.datasetId, species: 'cat' })).toHaveLength(24)
    expect(svc.listImages({ datasetId: summary.datasetId, breed: 'pug' }).map((i) => i.name)).toEqual(['pug_1', 'pug_2'])
    expect(svc.listImages({ datasetId: summary.datasetId, label: 'broken' }).map((i) => i.name)).toEqual(['beagle_2'])
    expect(svc.listImages({ datasetId: summary.datasetId, search: 'MAU' })).toHaveLength(2)
    const test = svc.listImages({ datasetId: summary.datasetId, split: 'test' })
    expect(test).toHaveLength(summary.splits.test)
    expect(test.every((i) => i.split === 'test')).toBe(true)
  })

  it('counts each facet under the other filters', () => {
    const f = svc.facets({ datasetId: summary.datasetId, species: 'cat', breed: 'Bengal' })
    expect(f.total).toBe(2)
    // species counts ignore the species filter but keep the breed filter
    expect(f.species).toEqual({ cat: 2, dog: 0 })
    // breed counts ignore the breed filter but keep species: every cat breed 2, dogs 0, all 37 listed
    expect(f.breeds).toHaveLength(37)
    expect(f.breeds[0]).toEqual({ breed: 'Abyssinian', classId: 1, species: 'cat', count: 2 })
    expect(f.breeds.find((b) => b.breed === 'pug')!.count).toBe(0)
    expect(f.label).toEqual({ labelled: 2, unlabelled: 0, edited: 0, predicted: 0, broken: 0 })
    const all = svc.facets({ datasetId: summary.datasetId, label: 'broken' })
    expect(all.total).toBe(1)
    expect(all.species).toEqual({ cat: 0, dog: 1 })
    expect(all.label.labelled).toBe(74)
    expect(() => svc.facets({ datasetId: 4242 })).toThrow(/No dataset with id 4242/)
  })
})

describe('media, trimaps and the resize cache', () => {
  it('serves thumbnails and browser-safe full images by id only', async () => {
    const thumb = await svc.media('thumb', idOf('pug_1'))
    expect(thumb.mime).toBe('image/jpeg')
    const meta = await sharp(thumb.bytes).metadata()
    const pug = svc.getImage(idOf('pug_1'))
    expect(Math.max(meta.width!, meta.height!)).toBe(Math.min(160, Math.max(pug.width!, pug.height!)))
    const full = await svc.media('image', idOf('pug_1'))
    expect(full.bytes.equals(readFileSync(join(pets, 'images/pug_1.jpg')))).toBe(true)
    const gif = await svc.media('image', idOf('Egyptian_Mau_2'))
    expect(gif.mime).toBe('image/png')
    expect((await sharp(gif.bytes).metadata()).format).toBe('png')
    expect((await svc.media('image', idOf('Abyssinian_2'))).mime).toBe('image/png')
    expect((await rejects(svc.media('thumb', idOf('beagle_2')))).code).toBe('UNSUPPORTED')
  })

  it('rebuilds a thumbnail the cache lost', async () => {
    unlinkSync(new ImageCache(join(dir, 'data/cache')).thumbPath(summary.datasetId, 'pug_2'))
    expect((await svc.media('thumb', idOf('pug_2'))).bytes.length).toBeGreaterThan(100)
  })

  it('decodes trimaps and resizes image and trimap for training', async () => {
    const id = idOf('samoyed_1')
    const detail = svc.getImage(id)
    const tri = await svc.getTrimap(id)
    expect([tri!.width, tri!.height]).toEqual([detail.width, detail.height])
    expect(new Set(tri!.data)).toEqual(new Set([1, 2, 3]))
    const rgb = await svc.getResized(id, 64)
    expect(rgb).toHaveLength(64 * 64 * 3)
    const small = await svc.getResizedTrimap(id, 64)
    expect(small).toHaveLength(64 * 64)
    expect([...new Set(small!)].every((v) => v >= 1 && v <= 3)).toBe(true)
    // the second call is served from the disk cache with the same bytes
    expect(Buffer.from(await svc.getResized(id, 64)).equals(Buffer.from(rgb))).toBe(true)
    await expect(svc.getResized(id, 3)).rejects.toThrow(/from 8 to 1024/)
  })
})

describe('re-open', () => {
  let copy: string
  let s2: IndexSummary

  beforeAll(async () => {
    copy = join(dir, 'copy')
    cpSync(pets, copy, { recursive: true })
    s2 = await svc.open(copy)
  })

  it('is incremental: only a changed file is decoded again', async () => {
    const thumbOf = (name: string) => statSync(new ImageCache(join(dir, 'data/cache')).thumbPath(s2.datasetId, name)).mtimeMs
    const before = { pug: thumbOf('pug_1'), boxer: thumbOf('boxer_1') }
    await new Promise((r) => setTimeout(r, 20))
    const replacement = await sharp(Buffer.alloc(200 * 180 * 3, 40), { raw: { width: 200, height: 180, channels: 3 } }).jpeg().toBuffer()
    writeFileSync(join(copy, 'images/boxer_1.jpg'), replacement)
    const again = await svc.open(copy)
    expect(again.datasetId).toBe(s2.datasetId)
    expect(thumbOf('pug_1')).toBe(before.pug)
    expect(thumbOf('boxer_1')).toBeGreaterThan(before.boxer)
    const boxer = svc.listImages({ datasetId: s2.datasetId, breed: 'boxer' })[0]!
    expect([boxer.width, boxer.height]).toEqual([200, 180])
    expect(svc.getImage(boxer.id).problems).toEqual([expect.stringMatching(/^trimap is \d+×\d+ but the image is 200×180$/)])
  })

  it('keeps edited labels and rows of vanished files, and picks up split changes', async () => {
    const pug = svc.listImages({ datasetId: s2.datasetId, breed: 'pug' })[0]!
    new LabelsRepo(db).set({ imageId: pug.id, source: 'edited', file: join(dir, 'edited-pug.png'), width: 1, height: 1 })
    const moved = svc.listImages({ datasetId: s2.datasetId, split: 'test' })[0]!
    const list = readFileSync(join(copy, 'annotations/test.txt'), 'utf8').split('\n').filter((l) => !l.startsWith(moved.name + ' '))
    writeFileSync(join(copy, 'annotations/test.txt'), list.join('\n'))
    const pugFile = join(copy, 'images/pug_1.jpg')
    const bytes = readFileSync(pugFile)
    unlinkSync(pugFile)
    const gone = await svc.open(copy)
    expect(gone.images).toBe(73)
    expect(svc.getImage(moved.id).split).toBe('none')
    expect(() => svc.getImage(pug.id)).toThrow(/No image/)
    writeFileSync(pugFile, bytes)
    const back = await svc.open(copy)
    expect(back.images).toBe(74)
    expect(svc.getImage(pug.id)).toMatchObject({ name: 'pug_1', label: 'edited' })
    expect(svc.facets({ datasetId: s2.datasetId }).label.edited).toBe(1)
  })

  it('rejects a malformed list line with file and line, changing nothing', async () => {
    const listFile = join(copy, 'annotations/list.txt')
    const good = readFileSync(listFile, 'utf8')
    writeFileSync(listFile, good.replace(/\n(\S+) (\d+) (\d+) (\d+)\n/, '\n$1 $2 $3\n'))
    const err = await rejects(svc.open(copy))
    expect(err.code).toBe('PARSE_ERROR')
    expect(err.message).toMatch(/annotations\/list\.txt line 7/)
    expect(svc.list().find((d) => d.root === copy)!.imageCount).toBe(74)
    writeFileSync(listFile, good)
    utimesSync(listFile, new Date(), new Date())
  })
})

describe('bad input', () => {
  it('names what is missing from a folder that is not a dataset', async () => {
    mkdirSync(join(dir, 'not-a-dataset/images'), { recursive: true })
    const err = await rejects(svc.open(join(dir, 'not-a-dataset')))
    expect(err.code).toBe('NOT_A_DATASET')
    expect(err.message).toMatch(/no annotations\/ folder/)
    expect(svc.list().some((d) => d.root.endsWith('not-a-dataset'))).toBe(false)
  })

  it('says an archive that is neither tar nor tar.gz is one', async () => {
    writeFileSync(join(dir, 'images.tar.gz'), 'definitely not a tarball '.repeat(40))
    const err = await rejects(svc.importArchives([join(dir, 'images.tar.gz')]))
    expect(err.code).toBe('BAD_ARCHIVE')
    expect(err.message).toBe('images.tar.gz is neither a tar nor a tar.gz archive')
  })
})

describe('archive import', () => {
  it('extracts images.tar.gz (gzip) and annotations.tar.gz (plain tar despite the name), then indexes', async () => {
    const arch = join(dir, 'archives')
    mkdirSync(arch)
    await createTar({ file: join(arch, 'images.tar.gz'), cwd: pets, gzip: true }, ['images'])
    await createTar({ file: join(arch, 'annotations.tar.gz'), cwd: pets }, ['annotations'])
    const phases = new Set<string>()
    progress.length = 0
    const s = await svc.importArchives([join(arch, 'images.tar.gz'), join(arch, 'annotations.tar.gz')], join(dir, 'imported'))
    for (const p of progress) phases.add(p.phase)
    expect(phases).toEqual(new Set(['extract', 'scan', 'index']))
    expect(s).toMatchObject({ root: join(dir, 'imported'), images: 74, labelled: 74, skipped: summary.skipped, broken: summary.broken })
  })
})

describe('CLI dataset index --json', () => {
  it('prints exactly one JSON object with the summary on stdout', async () => {
    const cli = join(process.cwd(), 'src/main/cli.ts')
    const args = ['--import', 'tsx', cli, 'dataset', 'index', pets, '--json', '--data-dir', join(dir, 'cli-data')]
    const { stdout } = await run(process.execPath, args, { cwd: process.cwd() })
    const out = JSON.parse(stdout) as Record<string, unknown>
    expect(Object.keys(out).sort()).toEqual(['broken', 'images', 'labelled', 'skipped', 'splits'])
    expect(out).toEqual({
      images: 74,
      labelled: 74,
      splits: summary.splits,
      skipped: summary.skipped,
      broken: summary.broken,
    })
    const bad = await run(process.execPath, ['--import', 'tsx', cli, 'dataset', 'index', join(dir, 'nothing-here'), '--json'], {
      cwd: process.cwd(),
    }).catch((e: { code: number; stdout: string; stderr: string }) => e)
    expect('code' in bad && bad.code).toBe(1)
    expect(bad.stdout).toBe('')
    expect(bad.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: No such file or folder: .*nothing-here$/)])
  })
})
