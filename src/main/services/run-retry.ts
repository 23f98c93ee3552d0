// Retrying a run: which runs may be queued again, and queueing it from scratch (old checkpoints gone,
// same manifest) with the finetunes that ended only because it did. RunsService.retry is its face.
import { rmSync } from 'node:fs'
import { AppError } from '../../shared/errors'
import type { RunRecord, RunsRepo } from '../db/repositories/runs-repo'
import { checkpointFolders } from '../training/worker/checkpoint-folder'
import { checkpointDirOf } from './run-executor'

/** Queues the run again (refused unless failed, cancelled or interrupted); returns the ids queued, it first. */
export function requeueRun(d: { repo: RunsRepo; runsDir: string }, r: RunRecord): number[] {
  const { id, status, parentRunId: pid } = r.summary
  if (status !== 'failed' && status !== 'cancelled' && status !== 'interrupted') {
    throw new AppError('BAD_INPUT', `run #${id} is ${status}; only failed, cancelled or interrupted runs can be retried`)
  }
  const parent = pid !== null ? d.repo.get(pid) : null
  if (parent && (parent.summary.status === 'failed' || parent.summary.status === 'cancelled')) {
    throw new AppError('BAD_INPUT', `run #${id} finetunes run #${pid}, which ${parent.summary.status === 'failed' ? 'failed' : 'was cancelled'}: retry that one first`)
  }
  for (const dir of checkpointFolders(checkpointDirOf(d.runsDir, id))) rmSync(dir, { recursive: true, force: true })
  d.repo.requeue(id)
  const queued = [id]
  // Finetunes that failed or were cancelled only because this run was are queued again behind it.
  for (const child of d.repo.children(id)) {
    if (['failed', 'cancelled'].includes(child.summary.status) && child.summary.error?.startsWith(`its pretraining run #${id} `)) {
      d.repo.requeue(child.summary.id)
      queued.push(child.summary.id)
    }
  }
  return queued
}
