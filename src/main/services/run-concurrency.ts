// How many training runs may run at once: the user's setting (1 by default), capped by the cores, a
// further run starts only while the estimated memory of all running steps together fits the budget,
// and runs started together share the cores between their wasm thread pools.
import os from 'node:os'
import type { RunConfig } from '../../shared/types/runs'
import type { Db } from '../db/open'
import { stepBytes } from '../training/host/memory-estimate'
import { channelsOf } from '../training/worker/models/unet'

/** More workers than cores only slow each other down. */
export function concurrencyLimit(): number {
  return Math.max(1, os.availableParallelism())
}

/** Memory several runs may share: the same part of the RAM a native backend gives one run. */
export function defaultConcurrentMemory(): number {
  return os.totalmem() * 0.6
}

/** The setting checked, or a sentence why it cannot be used. */
export function concurrencyProblem(max: number, limit = concurrencyLimit()): string | null {
  if (!Number.isInteger(max) || max < 1) return `runs at a time must be a whole number of at least 1, not ${max}`
  if (max > limit) return `runs at a time can be at most ${limit} here (one per core), not ${max}`
  return null
}

/** Estimated bytes of one training step of the run (as the plan's memory check counts them). */
export function runStepBytes(config: RunConfig): number {
  return stepBytes({ ...config, channels: channelsOf(config) })
}

/** Whether `next` may start beside the running runs: their steps' memory together fits `budget`. */
export function fitsBeside(running: RunConfig[], next: RunConfig, budget: number): boolean {
  if (running.length === 0) return true // one run alone was checked by its plan
  const total = running.reduce((sum, c) => sum + runStepBytes(c), runStepBytes(next))
  return total <= budget
}

const SETTING_KEY = 'runs.maxConcurrent'

/**
 * wasm threads for each of `runsNow` runs training at once: the cores shared out, at least one each.
 * A worker's pool is fixed when it starts, so this counts the runs running when it starts.
 */
export function threadsPerRun(cores: number, runsNow: number): number {
  return Math.max(1, Math.floor(cores / Math.max(1, runsNow)))
}

/** The stored setting (1 when never set), lowered to this machine's limit if it was set on a bigger one. */
export function storedMaxConcurrent(db: Db, limit = concurrencyLimit()): number {
  const row = db.prepare('SELECT value FROM settings WHERE key = ?').get(SETTING_KEY) as { value: string } | undefined
  const v = row ? (JSON.parse(row.value) as unknown) : 1
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? Math.min(v, limit) : 1
}

export function storeMaxConcurrent(db: Db, max: number): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(SETTING_KEY, JSON.stringify(max))
}
