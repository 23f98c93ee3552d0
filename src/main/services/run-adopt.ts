// Adopting a finished run trained elsewhere (an imported bundle): its row, epochs and checkpoint folder
// in one transaction, or nothing. RunsService.adopt is its face; export-service.ts its one caller.
import { renameSync, rmSync } from 'node:fs'
import type { EpochMetrics } from '../../shared/training-protocol'
import type { EpochRecord } from '../../shared/types/runs'
import type { Db } from '../db/open'
import type { NewRun, RunsRepo } from '../db/repositories/runs-repo'
import type { RunAdmin } from './run-admin'
import { checkpointDirOf } from './run-executor'

/** A finished run trained elsewhere (an imported bundle), with its checkpoint ready in a folder. */
export interface AdoptedRun extends NewRun {
  createdAt: Date
  startedAt: string | null
  finishedAt: Date
  backend: string
  epochs: EpochRecord[]
  metrics: EpochMetrics | null
  /** A checkpoint folder on the runs folder's file system: moved into place, so gone afterwards. */
  checkpoint: string
  /** The bundle's content hash: an import of a run already here is refused. */
  contentHash?: string
}

export interface AdoptDeps {
  db: Db
  repo: RunsRepo
  runsDir: string
  admin: RunAdmin
}

/** Stores the run as done with its epochs, moves its checkpoint into place, and returns its id. */
export function adoptRun(d: AdoptDeps, run: AdoptedRun): number {
  const repo = d.repo
  if (run.contentHash) d.admin.refuseDuplicate(run.contentHash, run.config, run.manifest)
  return d.db.transaction(() => {
    const id = repo.insert({ name: run.name, config: run.config, manifest: run.manifest }, run.createdAt)
    if (run.contentHash) repo.setContentHash(id, run.contentHash)
    const dir = checkpointDirOf(d.runsDir, id)
    repo.setBackend(id, { name: run.backend, threads: 0, attempts: [] }, dir)
    for (const e of run.epochs) repo.addEpoch(id, e)
    repo.finish(id, { metrics: run.metrics }, run.finishedAt)
    repo.setStatus(id, 'done', { startedAt: run.startedAt ?? undefined })
    rmSync(dir, { recursive: true, force: true })
    renameSync(run.checkpoint, dir)
    return id
  })()
}
