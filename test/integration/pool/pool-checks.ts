// What the pool tests check runs with: train a few runs to the end, the pixel blobs left in Redis,
// which fields of a run's rows are filled, and waiting for a condition with a deadline.
import { keys } from '../../../src/main/pool/protocol'
import { connectRedis } from '../../../src/main/pool/redis'
import { readdirSync } from 'node:fs'
import { expect } from 'vitest'
import type { RunsService } from '../../../src/main/services/runs-service'
import type { RunConfig, RunDetail } from '../../../src/shared/types/runs'

export async function trainAll(runs: RunsService, configs: RunConfig[]): Promise<RunDetail[]> {
  const ids = await Promise.all(configs.map(async (c) => (await runs.enqueue(c)).id))
  runs.start()
  await runs.whenIdle()
  return ids.map((id) => runs.get(id))
}

/** The keys of run pixels stored in the pool's Redis. */
export async function dataKeys(redisUrl: string): Promise<string[]> {
  const redis = connectRedis(redisUrl)
  try {
    return await redis.keys(keys.data('*'))
  } finally {
    redis.disconnect()
  }
}

/** Which fields of a run's rows are filled, numbers reduced to "a finite number". */
export function filled(run: RunDetail): unknown {
  const num = (v: unknown): unknown => (typeof v === 'number' && Number.isFinite(v) ? 'number' : v === null ? null : typeof v)
  const each = (o: object | null | undefined): unknown => (o ? Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) ? v.map(num) : num(v)])) : null)
  return { status: run.status, metrics: each(run.metrics), epochs: run.epochs.map((e) => ({ epoch: e.epoch, loss: num(e.loss), metrics: each(e.metrics), health: each(e.health) })) }
}

/** A run trained on the pool ended done with the same rows, manifest and checkpoint files as its local twin. */
export function expectSameRows(run: RunDetail, twin: RunDetail): void {
  expect(run.status, run.error ?? '').toBe('done')
  expect(filled(run)).toEqual(filled(twin))
  expect(run.manifest).toEqual(twin.manifest)
  expect(readdirSync(run.checkpointDir!).sort()).toEqual(readdirSync(twin.checkpointDir!).sort())
}

export async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
