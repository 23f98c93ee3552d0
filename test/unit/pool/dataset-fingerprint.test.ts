// The fingerprint a pool job and a worker's --dataset-root copies are matched by: the same for a copy of
// the folder indexed into another SQLite with new mtimes, different once an annotator edits or clears a
// trimap in the app, and the same again after a revert puts the release's trimap back.
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../../src/main/dataset/demo/generate'
import { type Db, openDatabase } from '../../../src/main/db/open'
import { datasetFingerprint } from '../../../src/main/pool/dataset-fingerprint'
import { DatasetService } from '../../../src/main/services/dataset-service'
import { LabelsService } from '../../../src/main/services/labels-service'

interface Opened {
  db: Db
  datasets: DatasetService
  id: number
  fp(): Promise<string>
}

let dir = ''
const opened: Opened[] = []

async function open(root: string, data: string): Promise<Opened> {
  const db = openDatabase(join(dir, data, 'workbench.sqlite'))
  const datasets = new DatasetService({ db, cacheDir: join(dir, data, 'cache'), demoDir: join(dir, data, 'demo') })
  const id = (await datasets.open(root)).datasetId
  const o = { db, datasets, id, fp: () => datasetFingerprint(datasets, id) }
  opened.push(o)
  return o
}

/** Every file under `root` gets a new mtime, as a copy to another machine gives it. */
function touchAll(root: string, at: Date): void {
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name)
    if (statSync(p).isFile()) utimesSync(p, at, at)
  }
}

let app: Opened
let copy: Opened

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-fingerprint-'))
  await generateDemo({ out: join(dir, 'pets'), count: 37, seed: 4 })
  cpSync(join(dir, 'pets'), join(dir, 'copy'), { recursive: true })
  touchAll(join(dir, 'copy'), new Date(Date.now() + 3600_000))
  app = await open(join(dir, 'pets'), 'app')
  copy = await open(join(dir, 'copy'), 'worker')
})

afterAll(() => {
  for (const o of opened) {
    o.datasets.close()
    o.db.close()
  }
  rmSync(dir, { recursive: true, force: true })
})

describe('dataset fingerprint', () => {
  it('is the same for a copy of the folder with new mtimes, indexed into another database', async () => {
    const fp = await app.fp()
    expect(fp).toMatch(/^[0-9a-f]{64}$/)
    expect(await copy.fp()).toBe(fp)
    // Asked again (label sums now cached), it does not move.
    expect(await app.fp()).toBe(fp)
  })

  it('changes when an annotator edits a trimap, and comes back when the edit is reverted', async () => {
    const before = await app.fp()
    const labels = new LabelsService({ datasets: app.datasets, user: 'tester' })
    const img = app.datasets.listImages({ datasetId: app.id, label: 'labelled' })[0]!
    const t = (await app.datasets.getTrimap(img.id))!
    const data = t.data.slice()
    data[0] = data[0] === 1 ? 2 : 1
    await labels.save(img.id, { ...t, data })
    const edited = await app.fp()
    expect(edited).not.toBe(before)
    expect(await copy.fp()).toBe(before)
    await labels.revert(img.id)
    expect(await app.fp()).toBe(before)
    await labels.clear(img.id)
    expect(await app.fp()).not.toBe(before)
    expect(await app.fp()).not.toBe(edited)
  })
})
