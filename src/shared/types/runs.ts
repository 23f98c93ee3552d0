// DTOs of training runs: what the runs service stores in SQLite and the training and
// compare views show. The worker's own messages are in ../training-protocol.ts.
import type { z } from 'zod'
import type { runConfigSchema } from '../api-schemas'
import type { BackendName, BackendReport, EpochMetrics, SslHealth } from '../training-protocol'

export type { BackendName }

/**
 * A run's settings, as queued and stored with it: the type of runConfigSchema (api-schemas.ts), which
 * says what each field means and validates it wherever a config arrives (calls, bundles on disk).
 */
export type RunConfig = z.infer<typeof runConfigSchema>

export type RunKind = RunConfig['kind']
export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted'

/** How many labelled images a finetune uses: N images, or a fraction of the labelled trainval pool. */
export type LabelBudget = NonNullable<RunConfig['labels']>

/**
 * Which images train and which are held out. official: the release's trainval/test split, fractions of
 * the labelled trainval pool. paper (§2.2, §3.2): a seeded 90/10 split of all decodable images,
 * fractions of the whole dataset (1 % ≈ 74 of 7,390).
 */
export type DataSplit = NonNullable<RunConfig['split']>

export interface RunProgress {
  epoch: number
  epochs: number
  step: number
  stepsPerEpoch: number
  loss: number
  imgPerSec: number
  etaSeconds: number | null
}

export interface EpochRecord {
  epoch: number
  loss: number
  seconds: number
  metrics: EpochMetrics | null
  /** Pretraining epochs: SSL health on the fixed health batch; null for finetuning (and older runs). */
  health?: SslHealth | null
}

export interface RunSummary {
  id: number
  name: string
  kind: RunKind
  status: RunStatus
  config: RunConfig
  parentRunId: number | null
  /** Backend that ran it ("wasm", "tfjs-node-gpu"…), null before it starts. */
  backend: string | null
  /** Trained on the worker pool: the worker that took it (its id, host name first). */
  worker?: string
  queuePosition: number | null
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
  progress: RunProgress | null
  /** Final held-out metrics (finetune), or null. */
  metrics: EpochMetrics | null
  /** Final training loss. */
  lastLoss: number | null
  error: string | null
  /** Archived runs are left out of lists and aggregates unless asked for (absent: not archived). */
  archived?: boolean
  /** A few short words the user gave it (RUN_TAG_RULES). */
  tags?: string[]
  /** Free text the user wrote about it. */
  note?: string
}

/** Limits on a run's tags and note, shared by the contract's schema and the forms. */
export const RUN_TAG_RULES = { maxTags: 8, maxLength: 24, pattern: /^[\p{L}\p{N}_.+#-]+$/u, maxNote: 2000, maxName: 200 } as const

/** What deleting a run would remove, or why it cannot be deleted now (runs:deletePlan). */
export interface RunDeletePlan {
  /** The run asked for first, then the finetunes that depend on it. */
  runs: { id: number; name: string; kind: RunKind; status: RunStatus; epochs: number; checkpointBytes: number; predictions: number }[]
  epochs: number
  checkpointBytes: number
  predictions: number
  /** Runs that would go only because they depend on the run asked for (its finetunes). */
  dependents: number[]
  /** Why it cannot be deleted at all (a run is training), or null. */
  blocked: string | null
}

export interface RunManifest {
  /** Image names used for training (finetune: the seeded labelled subset). */
  train: string[]
  /** Image names of the held-out evaluation set. */
  eval: string[]
}

export interface RunDetail extends RunSummary {
  epochs: EpochRecord[]
  manifest: RunManifest
  backendReport: BackendReport | null
  checkpointDir: string | null
}

/** What starting a run would do, or why it cannot work — shown before anything is queued. */
export interface RunPlan {
  ok: boolean
  problems: string[]
  /** Labelled trainval images available for finetuning. */
  labelledPool: number
  /** Decodable images in the dataset (labelled or not), the "of T" of train and held-out counts. */
  totalImages?: number
  /** Images the run would train on. */
  trainCount: number
  evalCount: number
  /** The backend that would run it now, with the reasons faster ones were passed over. */
  backend: BackendReport
  /** Memory one training step needs on that backend, where it can be estimated. */
  memory?: PlanMemory
  /** What planning changed and why (a paper batch lowered to what the backend holds). */
  notes?: string[]
}

export interface PlanMemory {
  /** Estimated bytes of one training step (activations, gradients, temporaries). */
  stepBytes: number
  /** 'gpu' on webgpu and tfjs-node-gpu; 'ram' otherwise (wasm's heap or the machine's memory). */
  where: 'gpu' | 'ram'
  /** What the backend gives a step (wasm's heap, part of the RAM); absent where unknown (GPUs). */
  budgetBytes?: number
  /** webgpu: the step's largest tensor, and the adapter's largest buffer it must fit. */
  largestTensorBytes?: number
  maxBufferBytes?: number
  /** The largest batch that fits, where a limit is known. */
  maxBatch?: number
}
