// Fault injection: the process saving trimaps is killed with SIGKILL at random moments. After a reopen,
// every acknowledged save is on disk whole (or the one in flight after it), the label's provenance in
// SQLite agrees with the file, the database is intact and no temporary file is left.
import sharp from 'sharp'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { generateDemo } from '../../src/main/dataset/demo/generate'
import { TEMP_SUFFIX, TRIMAPS_DIR } from '../../src/main/dataset/trimap-file'
import { openDatabase } from '../../src/main/db/open'
import { DatasetService } from '../../src/main/services/dataset-service'
import { mulberry32 } from '../../src/shared/prng'
import { drive, type Line, sleep, stripes } from './harness'

let dir: string
let pets: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-fault-save-'))
  pets = join(dir, 'pets')
  await generateDemo({ out: pets, count: 37, seed: 21 })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Per image: the phases the file may hold now — the last acknowledged one, or one begun after it. */
function allowedPhases(lines: Line[]): Map<number, Set<number>> {
  const allowed = new Map<number, Set<number>>()
  for (const l of lines) {
    if (typeof l['ack'] === 'number') allowed.set(l['ack'], new Set([l['phase'] as number]))
    else if (typeof l['begin'] === 'number' && allowed.has(l['begin'])) allowed.get(l['begin'])!.add(l['phase'] as number)
  }
  return allowed
}

async function checkReopened(lines: Line[]): Promise<void> {
  const db = openDatabase(join(dir, 'data/workbench.sqlite'))
  const datasets = new DatasetService({ db, cacheDir: join(dir, 'data/cache'), demoDir: join(dir, 'data/demo') })
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    await datasets.open(pets)
    for (const [id, phases] of allowedPhases(lines)) {
      const img = datasets.getImage(id)
      const file = join(pets, TRIMAPS_DIR, `${img.name}.png`)
      const { data, info } = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true })
      const matches = [...phases].filter((p) => Buffer.from(stripes(info.width, info.height, p).data).equals(data))
      expect(matches, `${img.name}: the file holds neither the acknowledged save nor the one in flight`).not.toEqual([])
      expect(img.label, `${img.name}: provenance after reopen`).toBe('edited')
      expect(img.problems).toEqual([])
    }
    const temps = readdirSync(join(pets, TRIMAPS_DIR)).filter((f) => f.endsWith(TEMP_SUFFIX))
    expect(temps, 'temporary files of killed saves are swept on open').toEqual([])
  } finally {
    datasets.close()
    db.close()
  }
}

it('keeps every acknowledged trimap save across kill -9 at random moments', async () => {
  const rng = mulberry32(7)
  const all: Line[] = []
  for (let trial = 0; trial < 6; trial++) {
    const d = drive('save.ts', [join(dir, 'data'), pets, String(trial)])
    await d.until((l) => l['ready'] === true)
    // Wait for a few acknowledgements, then a random extra moment inside the next saves.
    const acks = 2 + Math.floor(rng() * 6)
    await d.until(() => d.lines.filter((l) => 'ack' in l).length >= acks)
    await sleep(rng() * 40)
    await d.kill()
    expect(existsSync(join(dir, 'data/workbench.sqlite'))).toBe(true)
    all.push(...d.lines)
    await checkReopened(all)
  }
})
