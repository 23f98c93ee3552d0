// Queueing many pipelines at once (runs:planMany / runs:queueMany) against a real database and
// dataset: identical pretrainings are shared and existing ones reused, and one refused item means
// nothing at all is inserted.
import { describe, expect, it } from 'vitest'
import { argSchemas } from '../../src/shared/api-schemas'
import type { PipelineArgs } from '../../src/shared/run-batch'
import { useRunsWorld } from './runs-world'

const w = useRunsWorld('run-batch-')

describe('runs:queueMany', () => {
  const pretrain = () => w.tiny({ kind: 'pretrain', method: 'mae-none', labels: undefined, seed: 41 })
  const item = (count: number, seed = 41): PipelineArgs => ({ pretrain: pretrain(), finetune: w.tiny({ method: 'mae-none', labels: { mode: 'count', count }, seed }) })

  it('inserts nothing when one item is refused, and names it and why', async () => {
    const runs = w.service()
    const before = runs.list().length
    const items = [item(4), item(500), item(6)]
    const plan = await runs.planMany(items)
    expect(plan.ok).toBe(false)
    expect(plan.items.map((it) => it.problems.length > 0)).toEqual([false, true, false])
    expect(plan.items[1]!.problems.join()).toMatch(/asked for 500 labelled images/)
    await expect(runs.queueMany(items)).rejects.toThrow(/nothing was queued: 1 of 3 runs would be refused — item 2 .*asked for 500 labelled images/)
    expect(runs.list()).toHaveLength(before)
  })

  it('queues every item with one shared pretraining, and a later batch reuses it', async () => {
    const runs = w.service()
    const before = runs.list().length
    const plan = await runs.planMany([item(4), item(6)])
    expect(plan).toMatchObject({ ok: true, newPretrains: 1, reused: [] })
    expect(plan.items.map((it) => it.pretrain?.action)).toEqual(['new', 'shared'])
    expect(plan.items.map((it) => it.finetune.trainCount)).toEqual([4, 6])

    const queued = await runs.queueMany([item(4), item(6)])
    expect(queued.map((r) => r.kind)).toEqual(['pretrain', 'finetune', 'finetune'])
    const [pre, a, b] = queued
    expect([a!.parentRunId, b!.parentRunId]).toEqual([pre!.id, pre!.id])
    expect(a!.config.method).toBe('mae-none')
    expect(runs.list()).toHaveLength(before + 3)

    const again = await runs.planMany([item(8)])
    expect(again.items[0]!.pretrain).toMatchObject({ action: 'reuse', runId: pre!.id, status: 'queued' })
    expect(again.reused).toEqual([pre!.id])
    const more = await runs.queueMany([item(8)])
    expect(more.map((r) => r.id)).toEqual([pre!.id, expect.any(Number)])
    expect(runs.list()).toHaveLength(before + 4)
  })

  it('is part of the contract, checked like runs:pipeline', () => {
    expect(argSchemas['runs:queueMany'].safeParse({ items: [item(4)] }).success).toBe(true)
    expect(argSchemas['runs:queueMany'].safeParse({ items: [] }).success).toBe(false)
    expect(argSchemas['runs:planMany'].safeParse({ items: [{ ...item(4), extra: 1 }] }).success).toBe(false)
  })

  it('refuses keeping the best epoch for a pretraining', async () => {
    const runs = w.service()
    const p = await runs.plan({ ...pretrain(), keep: 'best' })
    expect(p.problems.join()).toMatch(/keeping the best epoch needs held-out foreground IoU/)
  })
})
