// Training commands (`cli pretrain|finetune|pipeline|eval`): the app's RunsService and DatasetService
// without a window. Bad input is refused before any training starts; --json prints one object.
import { cpSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { AppError } from '../../shared/errors'
import { EVAL_BATCH, PAPER_SIMCLR_AUGMENT, PRETRAIN_METHODS, type SimclrAugment } from '../../shared/training-protocol'
import type { DataSplit, LabelBudget, RunConfig, RunSummary } from '../../shared/types/runs'
import { appPaths, defaultDataDir } from '../paths'
import { RunsService } from '../services/runs-service'
import { evaluateCheckpoint, evaluationImages } from '../training/host/eval-checkpoint'
import { type BackendName, BACKEND_ORDER } from '../training/worker/backend'
import { checkSegmentationCheckpoint } from '../training/worker/models/segmenter-check'
import { runProgressReporter } from './run-progress'
import { openPool, POOL_OPTION, POOL_USAGE } from './pool-option'
import { openCliServices } from './services'
import { formatRun, runJson } from './training-output'
import type { CliCommand, CliIo } from './types'

const METHODS = [...PRETRAIN_METHODS, 'none'] as const
const COMMON = {
  dataset: { type: 'string' }, epochs: { type: 'string' }, batch: { type: 'string' }, size: { type: 'string' },
  seed: { type: 'string' }, backend: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' },
  'data-dir': { type: 'string' }, db: { type: 'string' }, threads: { type: 'string' }, channels: { type: 'string' },
  lr: { type: 'string' }, 'simclr-size': { type: 'string' }, method: { type: 'string' }, 'no-skip': { type: 'boolean' },
  labels: { type: 'string' }, fraction: { type: 'string' }, frozen: { type: 'boolean' }, parent: { type: 'string' },
  'pretrain-epochs': { type: 'string' }, 'pretrain-batch': { type: 'string' },
  'jitter-prob': { type: 'string' }, grayscale: { type: 'string' }, split: { type: 'string' },
  ...POOL_OPTION,
} as const
type Values = ReturnType<typeof parse>['values']
const parse = (argv: string[]) => parseArgs({ args: argv, options: COMMON, strict: true })

function int(v: string | undefined, name: string, fallback: number, min = 1): number {
  if (v === undefined) return fallback
  if (!/^\d+$/.test(v) || Number(v) < min) throw new AppError('BAD_INPUT', `--${name} must be an integer ≥ ${min}, got "${v}"`)
  return Number(v)
}

function num(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isFinite(n) || n <= 0) throw new AppError('BAD_INPUT', `--${name} must be a positive number, got "${v}"`)
  return n
}

function probability(v: string, name: string): number {
  const p = Number(v)
  if (v.trim() === '' || !(p >= 0 && p <= 1)) throw new AppError('BAD_INPUT', `--${name} must be a probability in [0, 1], got "${v}"`)
  return p
}

/** SimCLR's augmentation: the paper's, with ColorJitter's probability or RandomGrayscale's changed if asked. */
function augment(v: Values): SimclrAugment | undefined {
  if (v['jitter-prob'] === undefined && v.grayscale === undefined) return undefined
  const jitterProb = v['jitter-prob'] === undefined ? PAPER_SIMCLR_AUGMENT.jitterProb : probability(v['jitter-prob'], 'jitter-prob')
  const grayProb = v.grayscale === undefined ? PAPER_SIMCLR_AUGMENT.grayProb : probability(v.grayscale, 'grayscale')
  return { ...PAPER_SIMCLR_AUGMENT, jitterProb, grayProb }
}

function method(v: string | undefined, fallback: (typeof METHODS)[number]): (typeof METHODS)[number] {
  const m = v ?? fallback
  if (!(METHODS as readonly string[]).includes(m)) throw new AppError('BAD_INPUT', `unknown method "${m}": use one of ${METHODS.join(', ')}`)
  return m as (typeof METHODS)[number]
}

function budget(v: Values): LabelBudget {
  if (v.labels !== undefined && v.fraction !== undefined) throw new AppError('BAD_INPUT', 'give --labels N or --fraction F, not both')
  if (v.labels !== undefined) return { mode: 'count', count: int(v.labels, 'labels', 1) }
  if (v.fraction !== undefined) {
    const pct = v.fraction.endsWith('%')
    const f = Number(pct ? v.fraction.slice(0, -1) : v.fraction) / (pct ? 100 : 1)
    if (!(f > 0 && f <= 1)) throw new AppError('BAD_INPUT', `--fraction must be in (0, 1] (or a percentage), got "${v.fraction}"`)
    return { mode: 'fraction', fraction: f }
  }
  throw new AppError('BAD_INPUT', 'finetuning needs --labels N or --fraction F')
}

/** --split official|paper: the release's trainval/test, or the paper's seeded 90/10 of every image (§2.2). */
function splitOpt(v: string | undefined): DataSplit {
  if (v === undefined) return 'official'
  if (v !== 'official' && v !== 'paper') throw new AppError('BAD_INPUT', `--split must be official or paper, got "${v}"`)
  return v
}

function backendOpt(v: string | undefined): BackendName | undefined {
  if (v === undefined) return undefined
  if (!(BACKEND_ORDER as readonly string[]).includes(v)) throw new AppError('BAD_INPUT', `unknown backend "${v}": use one of ${BACKEND_ORDER.join(', ')}`)
  return v as BackendName
}

function channels(v: string | undefined): number[] | undefined {
  if (v === undefined) return undefined
  const c = v.split(',').map((s) => Number(s.trim()))
  if (c.length === 0 || c.some((n) => !Number.isInteger(n) || n < 1)) throw new AppError('BAD_INPUT', `--channels must be a comma-separated list of positive integers, got "${v}"`)
  return c
}

/** The shared part of every run's config; datasetId is filled in once the dataset is indexed. */
function baseConfig(v: Values): Omit<RunConfig, 'kind' | 'method' | 'datasetId'> {
  const size = int(v.size, 'size', 128, 16)
  const aug = augment(v)
  return {
    frozenEncoder: v.frozen === true, skips: v['no-skip'] !== true, epochs: int(v.epochs, 'epochs', 20),
    batchSize: int(v.batch, 'batch', 32), imageSize: size, split: splitOpt(v.split),
    // The paper's SimCLR views are half the finetuning size (64 vs 128).
    simclrSize: int(v['simclr-size'], 'simclr-size', Math.max(16, Math.round(size / 16) * 8), 8),
    learningRate: num(v.lr, 'lr', 1e-3), seed: int(v.seed, 'seed', 0, 0), backend: backendOpt(v.backend), channels: channels(v.channels),
    ...(aug ? { augment: aug } : {}),
  }
}

interface Session {
  runs: RunsService
  datasetId: number
  close(): Promise<void>
}

async function openSession(v: Values, io: CliIo, quiet: boolean): Promise<Session & { report: ReturnType<typeof runProgressReporter> }> {
  if (!v.dataset) throw new AppError('BAD_INPUT', '--dataset DIR is required')
  const dataDir = v['data-dir'] ? resolve(v['data-dir']) : defaultDataDir()
  const services = openCliServices({ dataDir, db: v.db })
  const runsDir = v.db ? join(dirname(resolve(v.db)), 'runs') : appPaths(dataDir).runsDir
  const labels = new Map<number, string>()
  const report = runProgressReporter(io, (id) => labels.get(id) ?? `run #${id}`, quiet)
  let pool: Awaited<ReturnType<typeof openPool>> = null
  try {
    // --pool: its Redis answers before the dataset is indexed, and the runs train on its workers.
    pool = await openPool(v.pool, (line) => report.line(line))
    const { datasetId } = await services.datasets.open(resolve(v.dataset))
    const threads = v.threads === undefined ? undefined : int(v.threads, 'threads', 1)
    const runs = new RunsService({
      db: services.db, datasets: services.datasets, runsDir, wasmThreads: threads, ...pool?.options,
      emit: (name, payload) => {
        if (name === 'runs:progress') report.progress(payload as Parameters<typeof report.progress>[0])
        if (name === 'runs:changed') labels.set((payload as RunSummary).id, `#${(payload as RunSummary).id} ${(payload as RunSummary).kind}`)
      },
    })
    return { runs, datasetId, report, close: async () => { await runs.close(); await pool?.close(); report.end(); services.close() } }
  } catch (err) {
    await pool?.close()
    services.close()
    throw err
  }
}

/** Runs the given queued runs to the end; Ctrl-C cancels the running one. Throws when one fails. */
async function runToEnd(s: Session, ids: number[]): Promise<RunSummary[]> {
  s.runs.start({ only: ids })
  const onSigint = (): void => {
    for (const id of ids) if (['queued', 'running'].includes(s.runs.get(id).status)) s.runs.cancel(id)
  }
  process.once('SIGINT', onSigint)
  try {
    const out: RunSummary[] = []
    for (const id of ids) {
      const r = await s.runs.waitFor(id)
      if (r.status === 'failed') throw new AppError('INTERNAL', `run #${id} failed: ${r.error ?? 'unknown reason'}`)
      if (r.status === 'cancelled') throw new AppError('INTERNAL', `run #${id} was cancelled`)
      out.push(r)
    }
    return out
  } finally {
    process.removeListener('SIGINT', onSigint)
  }
}

function finish(io: CliIo, s: Session, v: Values, runs: RunSummary[], reused: boolean): number {
  const last = runs.at(-1)!
  const detail = s.runs.get(last.id)
  if (v.out) {
    const out = resolve(v.out)
    if (detail.checkpointDir) cpSync(detail.checkpointDir, out, { recursive: true })
    writeFileSync(join(out, 'run.json'), JSON.stringify(detail, null, 2))
  }
  const pre = runs.length > 1 ? s.runs.get(runs[0]!.id) : null
  if (v.json) io.stdout.write(JSON.stringify(runJson(detail, pre, reused)) + '\n')
  else io.stdout.write((pre ? formatRun(pre, reused) : '') + formatRun(detail, false) + (v.out ? `  copied to ${resolve(v.out)}\n` : ''))
  return 0
}

function training(kind: 'pretrain' | 'finetune' | 'pipeline'): CliCommand['run'] {
  return async (argv, io) => {
    const { values: v } = parse(argv)
    const base = baseConfig(v)
    // Everything that can be checked without the dataset is checked before it is indexed.
    const m = method(v.method, kind === 'finetune' ? 'none' : 'simclr')
    if (kind !== 'finetune' && m === 'none') throw new AppError('BAD_INPUT', `${kind} needs a pretraining method: ${PRETRAIN_METHODS.join(', ')}`)
    const labels = kind === 'pretrain' ? undefined : budget(v)
    const s = await openSession(v, io, v.json === true && io.stderr.isTTY !== true)
    try {
      const datasetId = s.datasetId
      if (kind === 'pretrain') {
        const r = await s.runs.enqueue({ ...base, kind, method: m, datasetId, batchSize: int(v['pretrain-batch'], 'pretrain-batch', base.batchSize) })
        return finish(io, s, v, await runToEnd(s, [r.id]), false)
      }
      const finetune: RunConfig = { ...base, kind: 'finetune', method: 'none', datasetId, labels }
      if (kind === 'finetune') {
        const parentRunId = v.parent !== undefined ? int(v.parent, 'parent', 1) : m === 'none' ? null : latestPretrain(s.runs, datasetId, m, base)
        const r = await s.runs.enqueue({ ...finetune, parentRunId })
        return finish(io, s, v, await runToEnd(s, [r.id]), false)
      }
      const pretrain: RunConfig = {
        ...base, kind: 'pretrain', method: m, datasetId, frozenEncoder: false,
        epochs: int(v['pretrain-epochs'], 'pretrain-epochs', base.epochs), batchSize: int(v['pretrain-batch'], 'pretrain-batch', base.batchSize),
      }
      const queued = await s.runs.pipeline({ pretrain, finetune })
      const reused = queued[0]!.status === 'done'
      const done = await runToEnd(s, queued.filter((r) => r.status !== 'done').map((r) => r.id))
      return finish(io, s, v, reused ? [queued[0]!, ...done] : done, reused)
    } finally {
      await s.close()
    }
  }
}

function latestPretrain(runs: RunsService, datasetId: number, m: string, base: ReturnType<typeof baseConfig>): number {
  const want = JSON.stringify(base.channels ?? null)
  // Under the paper split the held-out images follow the seed: only a pretraining of the same split and seed fits.
  const fits = (c: RunConfig): boolean =>
    (c.split ?? 'official') === base.split && (base.split !== 'paper' || c.seed === base.seed)
  const hit = runs.list(datasetId).find((r) => r.kind === 'pretrain' && r.status === 'done' && r.config.method === m && JSON.stringify(r.config.channels ?? null) === want && fits(r.config))
  if (!hit) throw new AppError('BAD_INPUT', `no finished ${m} pretraining run on this dataset: run "cli pretrain --method ${m}" first, use --parent ID, or "cli pipeline"`)
  return hit.id
}

const evalCommand: CliCommand = {
  summary: 'predict trimaps with a finetuned checkpoint: PNGs (values 1/2/3) named like the images, and metrics',
  usage: 'eval --checkpoint DIR --dataset DIR --out DIR [--batch N] [--backend B] [--threads N] [--json] [--data-dir DIR]',
  async run(argv, io) {
    const { values: v } = parseArgs({
      args: argv, strict: true,
      options: { checkpoint: { type: 'string' }, dataset: { type: 'string' }, out: { type: 'string' }, batch: { type: 'string' },
        backend: { type: 'string' }, threads: { type: 'string' }, json: { type: 'boolean' }, 'data-dir': { type: 'string' }, db: { type: 'string' } },
    })
    if (!v.checkpoint || !v.dataset || !v.out) throw new AppError('BAD_INPUT', 'eval needs --checkpoint DIR, --dataset DIR and --out DIR')
    const checkpoint = resolve(v.checkpoint)
    checkSegmentationCheckpoint(checkpoint)
    const backend = backendOpt(v.backend)
    // The training runs' evaluation batch, so the paper's batch-averaged metrics read the same.
    const batchSize = int(v.batch, 'batch', EVAL_BATCH)
    const services = openCliServices({ dataDir: v['data-dir'] ? resolve(v['data-dir']) : defaultDataDir(), db: v.db })
    try {
      const { datasetId } = await services.datasets.open(resolve(v.dataset))
      evaluationImages(services.datasets, datasetId)
      const tty = io.stderr.isTTY === true
      const res = await evaluateCheckpoint({
        datasets: services.datasets, datasetId, checkpointDir: checkpoint, outDir: resolve(v.out), batchSize, backend,
        wasmThreads: v.threads === undefined ? undefined : int(v.threads, 'threads', 1),
        onProgress: (d, t) => tty && io.stderr.write(`\rpredicting ${d}/${t}${d === t ? '\n' : ''}`),
      })
      const m = res.metrics
      io.stdout.write(
        v.json
          ? JSON.stringify({ checkpoint, out: resolve(v.out), ...res }) + '\n'
          : `Predicted ${res.images} ${res.split === 'test' ? 'test-split' : 'labelled'} images at ${res.inputSize}×${res.inputSize} on ${res.backend.name} → ${resolve(v.out)}\n` +
            `  mean IoU ${m.meanIou.toFixed(4)}, foreground IoU ${m.foregroundIou.toFixed(4)}, pixel accuracy ${m.pixelAccuracy.toFixed(4)}, F1 ${m.f1.toFixed(4)}, Jaccard ${m.jaccard.toFixed(4)}\n`,
      )
      return 0
    } finally {
      services.close()
    }
  },
}

const TRAIN_USAGE = `--dataset DIR [--epochs N] [--batch N] [--size S] [--simclr-size S] [--seed N] [--lr X] [--no-skip] [--backend B] [--threads N] [--out DIR] [--json] [--data-dir DIR] [--channels 32,64,128,256] [--jitter-prob P] [--grayscale P] [--split official|paper] ${POOL_USAGE}`

/** Top-level commands: `cli pretrain …`, not `cli training pretrain …`. */
export const trainingCommands: Record<string, CliCommand> = {
  pretrain: { summary: 'self-supervised pretraining on every decodable image outside the test split', usage: `pretrain --method simclr|mae-patch|mae-pixel|mae-none ${TRAIN_USAGE}`, run: training('pretrain') },
  finetune: { summary: 'finetune on N labels (Dice), from scratch (--method none) or from a pretraining run', usage: `finetune (--labels N | --fraction F) [--method M | --parent RUN] [--frozen] ${TRAIN_USAGE}`, run: training('finetune') },
  pipeline: { summary: 'pretrain (or reuse an identical finished pretraining), then finetune on N labels', usage: `pipeline --method M (--labels N | --fraction F) [--frozen] [--pretrain-epochs N] [--pretrain-batch N] ${TRAIN_USAGE}`, run: training('pipeline') },
  eval: evalCommand,
}
