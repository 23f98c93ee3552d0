// Pool jobs on one real worker process: a payload that fails the schema is failed with the reason and
// runs nothing, cancelling a training and a waiting run ends both cancelled, a pretrain → finetune
// pipeline trains on the pool with the pretraining encoder shipped to the worker, and a pretraining
// measures its SSL health on the same held-out batch as a local run.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Queue, QueueEvents } from 'bullmq'
import { describe, expect, it } from 'vitest'
import { PAPER_SIMCLR_AUGMENT } from '../../../src/shared/training-protocol'
import { POOL_PREFIX, QUEUE_NAME } from '../../../src/main/pool/protocol'
import { connectRedis } from '../../../src/main/pool/redis'
import { BULL_PREFIX } from '../../../src/main/pool/worker'
import { useRunsWorld } from '../runs-world'
import { usePool } from './pool-world'

const w = useRunsWorld('wb-pool-jobs-')
const pool = usePool(w, 1)

describe('pool jobs', () => {
  it('fails a job whose payload does not match the schema, and runs nothing from it', async () => {
    const queue = new Queue(QUEUE_NAME, { connection: connectRedis(pool.redis.url), prefix: BULL_PREFIX })
    const events = new QueueEvents(QUEUE_NAME, { connection: connectRedis(pool.redis.url), prefix: BULL_PREFIX })
    await events.waitUntilReady()
    try {
      const marker = `${POOL_PREFIX}:test:pwned`
      const bad = { v: 1, runId: 1, job: { phase: 'finetune' }, data: {}, parent: false, run: `redis.set('${marker}', 1)` }
      const job = await queue.add('train', bad)
      await expect(job.waitUntilFinished(events)).rejects.toThrow(/does not match the pool's job schema/)
      expect(await queue.getJobState(job.id!)).toBe('failed')
      const redis = connectRedis(pool.redis.url)
      expect(await redis.exists(marker)).toBe(0)
      redis.disconnect()
    } finally {
      await events.close()
      await queue.close()
    }
  })

  it('cancels a run training on a worker and a run waiting for one', async () => {
    const log: string[] = []
    let firstEpoch: (id: number) => void = () => undefined
    const training = new Promise<number>((resolve) => (firstEpoch = resolve))
    const remote = pool.service(log, (name, payload) => {
      const s = payload as { id?: number }
      if (name === 'runs:changed' && s.id !== undefined && remote.get(s.id).epochs.length > 0) firstEpoch(s.id)
    })
    const a = await remote.enqueue(w.tiny({ seed: 11, epochs: 200 }))
    const b = await remote.enqueue(w.tiny({ seed: 12, epochs: 200 }))
    remote.start()
    // Both go to the pool at once; whichever reached the one worker first trains, the other waits.
    const busy = await training
    const waiting = busy === a.id ? b.id : a.id
    expect(remote.get(waiting).epochs).toHaveLength(0)
    remote.cancel(waiting)
    remote.cancel(busy)
    expect((await remote.waitFor(busy)).status).toBe('cancelled')
    expect((await remote.waitFor(waiting)).status).toBe('cancelled')
    expect(remote.get(busy).epochs.length).toBeLessThan(200)
    expect(remote.get(waiting).epochs).toHaveLength(0)
    expect(log.some((l) => l.includes(`run #${waiting} training on worker`))).toBe(false)
  })

  it('trains a pipeline: the pretraining encoder travels to the worker for the frozen finetune', async () => {
    const log: string[] = []
    const remote = pool.service(log)
    const [pre, fine] = await remote.pipeline({
      pretrain: w.tiny({ kind: 'pretrain', method: 'mae-patch', seed: 21, labels: undefined }),
      finetune: w.tiny({ seed: 21, frozenEncoder: true }),
    })
    remote.start()
    await remote.whenIdle()
    for (const r of [pre!, fine!]) expect(remote.get(r.id).status, remote.get(r.id).error ?? '').toBe('done')
    // The encoder a pretraining run writes at its end came back with its last checkpoint.
    expect(existsSync(join(w.dir, 'runs', String(pre!.id), 'encoder.json'))).toBe(true)
    expect(remote.get(fine!.id).config.parentRunId).toBe(pre!.id)
  })

  it('measures a SimCLR pretraining\'s SSL health on the held-out labelled batch, as a local run does', async () => {
    const jitter = { ...PAPER_SIMCLR_AUGMENT, jitterProb: 0.3 }
    const remote = pool.service([])
    const { id } = await remote.enqueue(w.tiny({ kind: 'pretrain', method: 'simclr', seed: 31, labels: undefined, epochs: 2, augment: jitter }))
    remote.start()
    const run = await remote.waitFor(id)
    expect(run.status, run.error ?? '').toBe('done')
    const detail = remote.get(id)
    // Without the health batch a worker measures on unlabelled training images, and the probe is null.
    expect(detail.epochs.map((e) => e.health)).toEqual([1, 2].map(() => ({
      embeddingStd: expect.any(Number), stdThreshold: expect.any(Number), deadChannels: expect.any(Number),
      probe: expect.any(Number), allSameLoss: expect.any(Number), collapsed: expect.any(Boolean),
    })))
    expect(detail.config.augment).toEqual(jitter)
    expect(detail.backendReport?.worker).toBe(pool.workers[0]!.id)
  })
})
