// The run manager behind RunsService: rename, tags, note, archive, delete with everything on disk, and
// the check that a run being imported is not already here (by content hash). RunsService delegates here.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../../shared/errors'
import { RUN_TAG_RULES, type RunConfig, type RunDeletePlan, type RunManifest } from '../../shared/types/runs'
import type { RunRecord, RunsRepo } from '../db/repositories/runs-repo'
import { checkpointFolders } from '../training/worker/checkpoint-folder'
import { folderContentHash } from './export/content-hash'
import { checkpointDirOf } from './run-executor'

export interface RunAdminDeps {
  repo: RunsRepo
  runsDir: string
  /** Predicted trimaps of a run live in <predictionsDir>/<run id>/. */
  predictionsDir: string
}

/** What the user may change about a run; fields left out stay as they are. */
export interface RunUserFields {
  name?: string
  tags?: string[]
  note?: string
  archived?: boolean
}

const ACTIVE = new Set(['queued', 'running', 'interrupted'])

/** Bytes of everything under `path` (0 when it does not exist). */
function bytesUnder(path: string): number {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return st.size
  return readdirSync(path).reduce((n, f) => n + bytesUnder(join(path, f)), 0)
}

function countFiles(dir: string): number {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.png')).length : 0
}

/** Tags as stored: trimmed, distinct, each a short word. */
export function checkedTags(tags: string[]): string[] {
  const r = RUN_TAG_RULES
  const out = [...new Set(tags.map((t) => t.trim()).filter(Boolean))]
  if (out.length > r.maxTags) throw new AppError('BAD_INPUT', `at most ${r.maxTags} tags, got ${out.length}`)
  for (const t of out) {
    if (t.length > r.maxLength || !r.pattern.test(t)) throw new AppError('BAD_INPUT', `tag "${t}" is not a short word (letters, digits, _ . + # -, at most ${r.maxLength} characters)`)
  }
  return out
}

export class RunAdmin {
  constructor(private readonly d: RunAdminDeps) {}

  /** Hides archived runs unless asked for them. */
  visible(records: RunRecord[], includeArchived: boolean): RunRecord[] {
    return includeArchived ? records : records.filter((r) => !r.summary.archived)
  }

  update(rec: RunRecord, f: RunUserFields): void {
    const id = rec.summary.id
    const name = f.name?.trim()
    if (name !== undefined && !name) throw new AppError('BAD_INPUT', `run #${id} needs a name: it cannot be empty`)
    if (f.archived === true && ACTIVE.has(rec.summary.status)) {
      throw new AppError('BAD_INPUT', `run #${id} is ${rec.summary.status}: cancel it or let it finish before archiving it`)
    }
    this.d.repo.setUserFields(id, { ...f, name, tags: f.tags && checkedTags(f.tags), note: f.note?.trim() })
  }

  /** The run, then the runs that depend on it (its finetunes, theirs…), each once. */
  private family(rec: RunRecord): RunRecord[] {
    const out = [rec]
    for (let i = 0; i < out.length; i++) {
      for (const c of this.d.repo.children(out[i]!.summary.id)) if (!out.some((o) => o.summary.id === c.summary.id)) out.push(c)
    }
    return out
  }

  private checkpointOf(r: RunRecord): string {
    return r.checkpointDir ?? checkpointDirOf(this.d.runsDir, r.summary.id)
  }

  /** What deleting run `rec` removes: it and the finetunes that depend on it, their epochs, checkpoints, predictions. */
  deletePlan(rec: RunRecord): RunDeletePlan {
    const runs = this.family(rec).map((r) => ({
      id: r.summary.id, name: r.summary.name, kind: r.summary.kind, status: r.summary.status,
      epochs: this.d.repo.epochs(r.summary.id).length,
      checkpointBytes: checkpointFolders(this.checkpointOf(r)).reduce((n, dir) => n + bytesUnder(dir), 0),
      predictions: countFiles(join(this.d.predictionsDir, String(r.summary.id))),
    }))
    const running = runs.find((r) => r.status === 'running')
    const blocked = running
      ? `run #${running.id} is running: cancel it${running.id === rec.summary.id ? '' : ` (it finetunes run #${rec.summary.id})`} and delete once it has stopped`
      : null
    const sum = (k: 'epochs' | 'checkpointBytes' | 'predictions'): number => runs.reduce((n, r) => n + r[k], 0)
    return { runs, epochs: sum('epochs'), checkpointBytes: sum('checkpointBytes'), predictions: sum('predictions'), dependents: runs.slice(1).map((r) => r.id), blocked }
  }

  /**
   * Deletes the run (and, with `withDependents`, the finetunes that start from it): rows, epochs and
   * predictions first, so a half-removed folder never shows as a run; then its folders. Returns the ids.
   */
  delete(rec: RunRecord, withDependents: boolean): number[] {
    const plan = this.deletePlan(rec)
    const id = rec.summary.id
    if (plan.blocked) throw new AppError('BAD_INPUT', `cannot delete run #${id}: ${plan.blocked}`)
    if (plan.dependents.length && !withDependents) {
      const list = plan.dependents.map((d) => `#${d}`).join(', ')
      throw new AppError('BAD_INPUT', `run #${id} is the pretraining run of ${list}: delete ${plan.dependents.length === 1 ? 'that finetune' : 'those finetunes'} with it, or keep it`)
    }
    const family = this.family(rec)
    const ids = family.map((r) => r.summary.id)
    this.d.repo.delete([...ids].reverse())
    for (const r of family) {
      for (const dir of checkpointFolders(this.checkpointOf(r))) rmSync(dir, { recursive: true, force: true })
      rmSync(join(this.d.predictionsDir, String(r.summary.id)), { recursive: true, force: true })
    }
    return ids
  }

  /**
   * The run already here that is the same run as an import of content `hash`: one that recorded the
   * hash (imported before), or a finished run of the same config and manifest whose checkpoint hashes
   * the same (the run the bundle was exported from). Null when there is none.
   */
  sameRun(hash: string, config: RunConfig, manifest: RunManifest): number | null {
    const stored = this.d.repo.withContentHash(hash)[0]
    if (stored) return stored.summary.id
    const key = JSON.stringify([manifest.train, manifest.eval])
    const candidates = this.d.repo.withStatus('done').filter((r) => r.summary.kind === config.kind && JSON.stringify([r.manifest.train, r.manifest.eval]) === key)
    for (const r of candidates) {
      if (folderContentHash(r.summary.config, r.manifest, this.checkpointOf(r)) === hash) return r.summary.id
    }
    return null
  }

  /** Refuses an import of a run that is already here, naming it. */
  refuseDuplicate(hash: string, config: RunConfig, manifest: RunManifest): void {
    const same = this.sameRun(hash, config, manifest)
    if (same !== null) {
      const name = this.d.repo.get(same)?.summary.name ?? ''
      throw new AppError('BAD_INPUT', `this run is already here as run #${same}${name ? ` "${name}"` : ''}: it was not imported again`)
    }
  }
}
