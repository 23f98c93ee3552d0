// Whether this worker can train a job, asked before it takes the job on: the backend the run names
// loads here, and one training step fits that backend's memory and this machine's free memory. A job
// that does not fit is given back to the queue with the reason (another worker may well train it).
import type { BackendName, BackendReport } from '../../shared/training-protocol'
import { memoryProblem, type StepShape, stepBytes } from '../training/host/memory-estimate'
import type { PoolJob } from './protocol'

export interface FitCheck {
  /** The backend this worker trains on when a run names none. */
  best: BackendReport
  /** The report of a named backend (loaded once in a probe worker); rejects when it does not load. */
  probe(backend: BackendName): Promise<BackendReport>
  /** Free memory now (os.freemem, or a test's figure). */
  freeBytes(): number
}

const gib = (b: number): string => `${(b / 1024 ** 3).toFixed(1)} GiB`

/** Why this worker cannot train the job, or null when it can. */
export async function whyCannotTrain(fit: FitCheck, job: PoolJob['job']): Promise<string | null> {
  let report = fit.best
  if (job.backend && job.backend !== report.name) {
    const tried = report.attempts.find((a) => a.backend === job.backend)
    if (tried && !tried.ok) return `the run asks for the ${job.backend} backend, which does not load here: ${tried.reason}`
    try {
      report = await fit.probe(job.backend)
    } catch (err) {
      return `the run asks for the ${job.backend} backend, which does not load here: ${err instanceof Error ? err.message : String(err)}`
    }
  }
  const shape: StepShape = {
    kind: job.phase, method: job.method, channels: job.model.channels, batchSize: job.batchSize,
    imageSize: job.model.inputSize, simclrSize: job.simclr?.viewSize ?? job.model.inputSize,
  }
  const problem = memoryProblem(shape, report.name, report.adapter?.maxBufferBytes)
  if (problem) return problem
  // A GPU's memory is its own; the CPU backends train in this machine's RAM.
  if (['wasm', 'tfjs-node', 'cpu'].includes(report.name)) {
    const need = stepBytes(shape)
    const free = fit.freeBytes()
    if (need > free) return `batch ${job.batchSize} needs about ${gib(need)} per training step but this machine has ${gib(free)} free`
  }
  return null
}
