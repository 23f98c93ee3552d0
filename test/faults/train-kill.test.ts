// Fault injection: the process training a run is killed with SIGKILL after some epochs (and at a random
// moment inside the next, which may be mid-checkpoint). A new process resumes the run from its last
// whole checkpoint: it ends done, with every epoch recorded exactly once and final metrics.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { generateDemo } from '../../src/main/dataset/demo/generate'
import { openDatabase } from '../../src/main/db/open'
import { DatasetService } from '../../src/main/services/dataset-service'
import { RunsService } from '../../src/main/services/runs-service'
import { mulberry32 } from '../../src/shared/prng'
import { drive, sleep } from './harness'

const EPOCHS = 4
let dir: string
let pets: string
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-fault-train-'))
  pets = join(dir, 'pets')
  await generateDemo({ out: pets, count: 40, seed: 3 })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function resumeAndFinish(dataDir: string, runId: number): Promise<void> {
  const db = openDatabase(join(dataDir, 'workbench.sqlite'))
  const datasets = new DatasetService({ db, cacheDir: join(dataDir, 'cache'), demoDir: join(dataDir, 'demo') })
  await datasets.open(pets)
  const runs = new RunsService({ db, datasets, runsDir: join(dataDir, 'runs'), wasmThreads: 1, progressIntervalMs: 0, emit: () => undefined })
  try {
    runs.start()
    const end = await runs.waitFor(runId)
    const detail = runs.get(runId)
    expect(end.status, detail.error ?? '').toBe('done')
    expect(detail.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1))
    expect(detail.epochs.every((e) => Number.isFinite(e.loss))).toBe(true)
    expect(detail.metrics).toMatchObject({ foregroundIou: expect.any(Number) })
  } finally {
    await runs.close()
    datasets.close()
    db.close()
  }
}

it('resumes a run killed with -9 during training or checkpointing, every epoch recorded once', async () => {
  const rng = mulberry32(11)
  for (let trial = 0; trial < 3; trial++) {
    const dataDir = join(dir, `data-${trial}`)
    const d = drive('train.ts', [dataDir, pets, String(EPOCHS)])
    const runId = (await d.until((l) => typeof l['queued'] === 'number'))['queued'] as number
    const after = 1 + (trial % 2)
    await d.until((l) => l['run'] === runId && (l['epochs'] as number) >= after)
    await sleep(rng() * 400)
    await d.kill()
    await resumeAndFinish(dataDir, runId)
  }
})
