// What a pool job sends back to the app: its stream of events, appended in order (an epoch's
// checkpoint folder stored before the event that says it is there), and which training steps are
// worth an entry.
import type { Redis } from 'ioredis'
import { throttle } from '../../shared/throttle'
import type { FromWorker } from '../../shared/training-protocol'
import { packFolder } from './folder-bundle'
import { encodeEvent, JOB_TTL_SECONDS, keys, type PoolEvent } from './protocol'

/** What this worker appends (poolEventSchema reads it back on the app's side, token added). */
type Outgoing =
  | (Extract<FromWorker, { type: 'ready' }> & { worker: string; host: string })
  | Extract<FromWorker, { type: 'step' | 'epoch' | 'done' }>
  | Extract<PoolEvent, { type: 'checkpoint' | 'log' | 'error' | 'declined' }> extends infer E
  ? E extends { token: string }
    ? Omit<E, 'token'>
    : E
  : never

/** Appends events to the job's stream in order, checkpoints included; the first failure surfaces on flush. */
export class EventSink {
  private chain: Promise<void> = Promise.resolve()
  private failure: unknown = null

  constructor(
    private readonly redis: Redis,
    private readonly jobId: string,
    private readonly token: string,
  ) {}

  send(e: Outgoing): void {
    this.then(async () => {
      const key = keys.events(this.jobId)
      await this.redis.multi().xadd(key, '*', 'e', encodeEvent({ ...e, token: this.token })).expire(key, JOB_TTL_SECONDS).exec()
    })
  }

  /** Stores the folder as the job's checkpoint, then tells the app it is there. */
  checkpoint(dir: string, epoch: number): void {
    this.then(async () => {
      const buf = await packFolder(dir)
      await this.redis.set(keys.checkpoint(this.jobId), buf, 'EX', JOB_TTL_SECONDS)
    })
    this.send({ type: 'checkpoint', epoch })
  }

  async flush(): Promise<void> {
    await this.chain
    if (this.failure) throw this.failure
  }

  private then(fn: () => Promise<void>): void {
    this.chain = this.chain.then(fn).catch((err: unknown) => {
      this.failure ??= err
    })
  }
}

/** Steps reach the app's progress bar and live curve, which the app throttles anyway (4 a second). */
const STEP_EVENT_MS = 250

/**
 * The steps worth a stream entry: at most one per STEP_EVENT_MS and each epoch's last, carrying the
 * mean loss of the steps since the previous one. Short steps would otherwise cost more in Redis
 * writes and in the app's parsing than in training.
 */
export function stepSampler(now?: () => number): (m: Extract<FromWorker, { type: 'step' }>) => Extract<FromWorker, { type: 'step' }> | null {
  const due = throttle(STEP_EVENT_MS, now)
  let sum = 0
  let n = 0
  return (m) => {
    sum += m.loss
    n += 1
    if (!due(m.step + 1 === m.stepsPerEpoch)) return null
    const out = { ...m, loss: sum / n }
    sum = 0
    n = 0
    return out
  }
}
