// Fault injection: the process importing the release's archives is killed with SIGKILL at random
// moments (extracting, indexing). The folder never holds a half-extracted archive that the next import
// trips on: importing again succeeds, indexes every image, and leaves no staging folder behind.
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { c as createTar } from 'tar'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { generateDemo } from '../../src/main/dataset/demo/generate'
import { openDatabase } from '../../src/main/db/open'
import { DatasetService } from '../../src/main/services/dataset-service'
import { mulberry32 } from '../../src/shared/prng'
import { drive, sleep } from './harness'

let dir: string
let archives: string[]
let expected: number
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-fault-import-'))
  const src = join(dir, 'release')
  await generateDemo({ out: src, count: 111, seed: 5 })
  archives = [join(dir, 'images.tar.gz'), join(dir, 'annotations.tar.gz')]
  await createTar({ gzip: true, cwd: src, file: archives[0]! }, ['images'])
  await createTar({ gzip: true, cwd: src, file: archives[1]! }, ['annotations'])
  const db = openDatabase(join(dir, 'ref.sqlite'))
  const ref = new DatasetService({ db, cacheDir: join(dir, 'ref-cache'), demoDir: join(dir, 'ref-demo') })
  expected = (await ref.open(src)).images
  ref.close()
  db.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function importAgain(dataDir: string, dest: string): Promise<void> {
  const db = openDatabase(join(dataDir, 'workbench.sqlite'))
  const datasets = new DatasetService({ db, cacheDir: join(dataDir, 'cache'), demoDir: join(dataDir, 'demo') })
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    const summary = await datasets.importArchives(archives, dest)
    expect(summary.images).toBe(expected)
    expect(datasets.list().filter((d) => d.root === dest)).toHaveLength(1)
    expect(readdirSync(dest).sort()).toEqual(['annotations', 'images'])
  } finally {
    datasets.close()
    db.close()
  }
}

it('recovers from kill -9 during an archive import: importing again gives the whole dataset', async () => {
  const rng = mulberry32(3)
  for (let trial = 0; trial < 5; trial++) {
    const dataDir = join(dir, `data-${trial}`)
    const dest = join(dir, `pets-${trial}`)
    mkdirSync(dataDir)
    const d = drive('import.ts', [dataDir, dest, ...archives])
    await d.until((l) => l['ready'] === true)
    // Early trials die extracting, later ones mostly while indexing.
    const phase = trial < 3 ? 'extract' : 'index'
    await d.until((l) => l['progress'] === phase || 'imported' in l).catch(() => undefined)
    await sleep(rng() * 60)
    await d.kill()
    await importAgain(dataDir, dest)
  }
})
