// A dataset is named after what it holds, not its folder: an import of the release's archives into a
// folder called "archives" is "Oxford-IIIT Pet"; the demo keeps its name; a gone folder is "missing".
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { c as createTar } from 'tar'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../src/main/dataset/demo/generate'
import { openDatabase, type Db } from '../../src/main/db/open'
import { DatasetService } from '../../src/main/services/dataset-service'

let dir: string
let db: Db
let svc: DatasetService

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-naming-'))
  await generateDemo({ out: join(dir, 'pets'), count: 37, seed: 2 })
  db = openDatabase(join(dir, 'data/workbench.sqlite'))
  svc = new DatasetService({ db, cacheDir: join(dir, 'data/cache'), demoDir: join(dir, 'data/demo') })
})

afterAll(() => {
  svc.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('dataset names', () => {
  it('names an import of the release archives after the dataset, not the folder they were in', async () => {
    const arch = join(dir, 'archives')
    mkdirSync(arch)
    await createTar({ file: join(arch, 'images.tar.gz'), cwd: join(dir, 'pets'), gzip: true }, ['images'])
    await createTar({ file: join(arch, 'annotations.tar.gz'), cwd: join(dir, 'pets'), gzip: true }, ['annotations'])
    const s = await svc.importArchives([join(arch, 'images.tar.gz'), join(arch, 'annotations.tar.gz')])
    expect(s.root).toBe(arch)
    expect(svc.current()?.name).toBe('Oxford-IIIT Pet')
  })

  it('names a folder whose list.txt is not the release\'s after the folder', async () => {
    const own = join(dir, 'my-labels')
    mkdirSync(join(own, 'images'), { recursive: true })
    mkdirSync(join(own, 'annotations/trimaps'), { recursive: true })
    writeFileSync(join(own, 'annotations/list.txt'), '')
    await svc.open(own)
    expect(svc.current()?.name).toBe('my-labels')
  })

  it('keeps the demo name for the demo', async () => {
    await svc.openDemo()
    expect(svc.current()).toMatchObject({ name: 'demo', isDemo: true })
  })

  it('lists a dataset whose folder is gone as missing, with its last counts', async () => {
    renameSync(join(dir, 'my-labels'), join(dir, 'moved'))
    const listed = svc.list()
    expect(listed.map((d) => [d.name, d.missing])).toEqual([
      ['demo', false],
      ['my-labels', true],
      ['Oxford-IIIT Pet', false],
    ])
    expect(listed[2]!.imageCount).toBe(37)
  })
})
