// Files that must not stop or poison an index: a name that is not UTF-8, trimaps that are no label
// (bad values, truncated PNG), and temp files of killed trimap saves. Real SQLite, generated dataset.
import sharp from 'sharp'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rejects } from './rejects'
import { generateDemo } from '../../src/main/dataset/demo/generate'
import { ORIGINALS_DIR, TEMP_SUFFIX, TRIMAPS_DIR } from '../../src/main/dataset/trimap-file'
import { openDatabase, type Db } from '../../src/main/db/open'
import { DatasetService } from '../../src/main/services/dataset-service'
import { LabelsService } from '../../src/main/services/labels-service'
import { chooseManifest, datasetImages } from '../../src/main/training/host/data/from-dataset'
import type { IndexSummary } from '../../src/shared/types/dataset'

const run = promisify(execFile)
let dir: string
let pets: string
let db: Db
let svc: DatasetService
let first: IndexSummary

const BAD_NAME = Buffer.concat([Buffer.from('images/Bad'), Buffer.from([0xff, 0xfe]), Buffer.from('_1.jpg')])
const trimapRel = (name: string): string => `${TRIMAPS_DIR}/${name}.png`
const idOf = (name: string): number => svc.listImages({ datasetId: first.datasetId, search: name }).find((i) => i.name === name)!.id

/** An 8-bit grey PNG of the image's size holding `values` in its first pixels and 2 elsewhere. */
async function trimapPng(name: string, values: number[]): Promise<Buffer> {
  const { width, height } = svc.getImage(idOf(name))
  const data = Buffer.alloc(width! * height!, 2)
  data.set(values)
  return sharp(data, { raw: { width: width!, height: height!, channels: 1 } }).toColourspace('b-w').png().toBuffer()
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-badfiles-'))
  pets = join(dir, 'pets')
  await generateDemo({ out: pets, count: 74, seed: 5 })
  writeFileSync(Buffer.concat([Buffer.from(pets + '/'), BAD_NAME]), readFileSync(join(pets, 'images/pug_1.jpg')))
  db = openDatabase(join(dir, 'data/workbench.sqlite'))
  svc = new DatasetService({ db, cacheDir: join(dir, 'data/cache'), demoDir: join(dir, 'data/demo') })
  first = await svc.open(pets)
})

afterAll(() => {
  svc.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('a file name that is not UTF-8', () => {
  it('is listed as broken with the reason while every other image indexes', () => {
    expect(first.images).toBe(74)
    expect(first.labelled).toBe(74)
    expect(first.broken).toContainEqual({ file: 'images/Bad\\xff\\xfe_1.jpg', reason: expect.stringMatching(/file name is not valid UTF-8/) })
  })
})

describe('trimaps that are no label', () => {
  let s: IndexSummary

  beforeAll(async () => {
    writeFileSync(join(pets, trimapRel('pug_1')), await trimapPng('pug_1', [0, 4, 255]))
    const good = await trimapPng('boxer_1', [1, 3])
    writeFileSync(join(pets, trimapRel('boxer_1')), good.subarray(0, good.length - 30))
    s = await svc.open(pets)
  })

  it('are not counted as labelled and are named in the summary with what is wrong', () => {
    expect(s.labelled).toBe(72)
    expect(svc.facets({ datasetId: s.datasetId }).label.labelled).toBe(72)
    expect(s.broken).toEqual(
      expect.arrayContaining([
        { file: trimapRel('pug_1'), reason: expect.stringMatching(/^trimap is not a label: value 0 at pixel \(0, 0\) is not a trimap class/) },
        { file: trimapRel('boxer_1'), reason: expect.stringMatching(/^trimap cannot be decoded \(damaged or truncated PNG\)/) },
      ]),
    )
  })

  it('show their problem in the image detail and have no label', async () => {
    const pug = svc.getImage(idOf('pug_1'))
    expect(pug.label).toBeNull()
    expect(pug.problems).toEqual([expect.stringMatching(/^trimap is not a label: value 0/)])
    expect(await svc.getTrimap(pug.id)).toBeNull()
    expect(await svc.getResizedTrimap(pug.id, 16)).toBeNull()
  })

  it('are never offered to a finetune', () => {
    const images = datasetImages(svc, s.datasetId)
    expect(images.filter((i) => !i.labelled).map((i) => i.name).sort()).toEqual(['boxer_1', 'pug_1'])
    const { manifest } = chooseManifest(images, 'finetune', { mode: 'fraction', fraction: 1 }, 1)
    const used = [...manifest.train, ...manifest.eval]
    expect(used).not.toContain('pug_1')
    expect(used).not.toContain('boxer_1')
  })

  it('stay listed on an incremental re-open, and a fixed file is a label again', async () => {
    expect((await svc.open(pets)).broken.map((b) => b.file)).toContain(trimapRel('pug_1'))
    writeFileSync(join(pets, trimapRel('pug_1')), await trimapPng('pug_1', [1, 3]))
    const fixed = await svc.open(pets)
    expect(fixed.labelled).toBe(73)
    expect(fixed.broken.map((b) => b.file)).not.toContain(trimapRel('pug_1'))
    expect(svc.getImage(idOf('pug_1'))).toMatchObject({ label: 'original', problems: [] })
  })

  it('drop an edited label whose file was damaged outside the app', async () => {
    const id = idOf('samoyed_1')
    const t = (await svc.getTrimap(id))!
    await new LabelsService({ datasets: svc, user: 'tester' }).save(id, { ...t, data: t.data.fill(1) })
    expect(svc.getImage(id).label).toBe('edited')
    writeFileSync(join(pets, trimapRel('samoyed_1')), await trimapPng('samoyed_1', [7]))
    const after = await svc.open(pets)
    expect(svc.getImage(id).label).toBeNull()
    expect(after.broken.map((b) => b.file)).toContain(trimapRel('samoyed_1'))
  })

  it('are named in the CLI `dataset index --json` summary', async () => {
    const cli = join(process.cwd(), 'src/main/cli.ts')
    const args = ['--import', 'tsx', cli, 'dataset', 'index', pets, '--json', '--data-dir', join(dir, 'cli-data')]
    const out = JSON.parse((await run(process.execPath, args, { cwd: process.cwd() })).stdout) as IndexSummary
    expect(out.labelled).toBe(72)
    expect(out.broken.map((b) => b.file)).toEqual(
      expect.arrayContaining([trimapRel('boxer_1'), trimapRel('samoyed_1'), 'images/Bad\\xff\\xfe_1.jpg']),
    )
  })
})

describe('reading a trimap damaged after it was indexed', () => {
  it('fails with an error naming the file and what is wrong', async () => {
    const id = idOf('Bengal_1')
    const file = join(pets, trimapRel('Bengal_1'))
    const good = readFileSync(file)
    writeFileSync(file, good.subarray(0, good.length - 30))
    const get = await rejects(svc.getTrimap(id))
    expect(get.code).toBe('IO_ERROR')
    expect(get.message).toContain(file)
    expect(get.message).toMatch(/cannot be decoded \(damaged or truncated PNG\)/)
    expect((await rejects(svc.getResizedTrimap(id, 16))).message).toContain(file)
    // Bad values still open for editing (the editor warns and offers Fix); training refuses them.
    writeFileSync(file, await trimapPng('Bengal_1', [9]))
    expect((await svc.getTrimap(id))!.data[0]).toBe(9)
    expect((await rejects(svc.getResizedTrimap(id, 16))).message).toMatch(/is not a label: value 9/)
  })
})

describe('temp files of trimap saves', () => {
  it('are swept on open when their save can no longer finish, at any age', async () => {
    const deadPid = 2 ** 22 + 7 // above Linux's largest pid
    const killed = join(pets, TRIMAPS_DIR, `.a.png.${deadPid}-0${TEMP_SUFFIX}`)
    const killedCopy = join(pets, ORIGINALS_DIR, `.b.png.${deadPid}-1${TEMP_SUFFIX}`)
    const ours = join(pets, TRIMAPS_DIR, `.c.png.${process.pid}-99999${TEMP_SUFFIX}`)
    const otherLive = join(pets, TRIMAPS_DIR, `.d.png.${process.ppid}-0${TEMP_SUFFIX}`)
    const oldUnknown = join(pets, TRIMAPS_DIR, `.e.png.tmp${TEMP_SUFFIX}`)
    for (const f of [killed, killedCopy, ours, otherLive, oldUnknown]) writeFileSync(f, 'half a png')
    const hourAgo = new Date(Date.now() - 3_600_000)
    utimesSync(oldUnknown, hourAgo, hourAgo)
    await svc.open(pets)
    expect([killed, killedCopy, ours, oldUnknown].filter((f) => existsSync(f))).toEqual([])
    // Another live process may be saving into this folder right now.
    expect(existsSync(otherLive)).toBe(true)
    rmSync(otherLive)
  })

  it('never break a save of this process running alongside the open', async () => {
    const id = idOf('pug_2')
    const t = (await svc.getTrimap(id))!
    const labels = new LabelsService({ datasets: svc, user: 'tester' })
    const saves = [1, 3, 2].map((v) => labels.save(id, { ...t, data: new Uint8Array(t.data.length).fill(v) }))
    await Promise.all([svc.open(pets), ...saves])
    expect([...new Set((await svc.getTrimap(id))!.data)]).toEqual([2])
    expect(svc.getImage(id).label).toBe('edited')
  })
})
