// A finetune that keeps its best epoch (keep: 'best'), trained for real at a tiny size: the run's final
// metrics are the epoch with the best held-out foreground IoU, marked bestEpoch, and its checkpoint is
// that epoch's, with no best-epoch copy left beside it.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useRunsWorld } from './runs-world'

const w = useRunsWorld('best-epoch-')

describe("keep: 'best'", () => {
  it('records bestEpoch, and its final metrics and checkpoint are that epoch’s', async () => {
    const runs = w.service()
    runs.start()
    const queued = await runs.enqueue(w.tiny({ epochs: 5, keep: 'best', labels: { mode: 'count', count: 8 }, learningRate: 0.1, seed: 5 }))
    const done = await runs.waitFor(queued.id)
    expect(done.status).toBe('done')
    const detail = runs.get(queued.id)
    const ious = detail.epochs.map((e) => e.metrics!.foregroundIou)
    expect(ious).toHaveLength(5)
    // At this seed and rate the IoU peaks early (epoch 2 of 5 here), so the best checkpoint replaces the last.
    const best = ious.indexOf(Math.max(...ious)) + 1
    expect(done.metrics!.bestEpoch).toBe(best)
    const { bestEpoch, ...final } = done.metrics!
    expect(final).toEqual(detail.epochs[bestEpoch! - 1]!.metrics)
    const progress = JSON.parse(readFileSync(join(detail.checkpointDir!, 'progress.json'), 'utf8')) as { epochsDone: number }
    expect(progress.epochsDone).toBe(best)
    expect(existsSync(`${detail.checkpointDir}.best`)).toBe(false)
  })

  it('a run keeping the last epoch records no bestEpoch', async () => {
    const runs = w.service()
    runs.start()
    const queued = await runs.enqueue(w.tiny({ epochs: 2, seed: 6 }))
    const done = await runs.waitFor(queued.id)
    expect(done.metrics).not.toBeNull()
    expect(done.metrics!.bestEpoch).toBeUndefined()
    expect(done.metrics).toEqual(runs.get(queued.id).epochs[1]!.metrics)
  })
})
