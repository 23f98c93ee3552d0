// What the training commands print: one JSON object (--json) or a few readable lines per run.
import type { RunDetail } from '../../shared/types/runs'

export interface RunJson {
  runId: number
  name: string
  status: string
  backend: string | null
  threads: number | null
  /** The pool worker that trained it (--pool), null for a run trained here. */
  worker: string | null
  config: RunDetail['config']
  parentRunId: number | null
  /** Final held-out metrics (finetune), null for pretraining. */
  metrics: RunDetail['metrics']
  lastLoss: number | null
  epochs: RunDetail['epochs']
  trainImages: number
  evalImages: number
  seconds: number | null
  checkpointDir: string | null
}

function one(d: RunDetail): RunJson {
  const seconds = d.startedAt && d.finishedAt ? (Date.parse(d.finishedAt) - Date.parse(d.startedAt)) / 1000 : null
  return {
    runId: d.id, name: d.name, status: d.status, backend: d.backend, threads: d.backendReport?.threads ?? null, worker: d.backendReport?.worker ?? null,
    config: d.config, parentRunId: d.parentRunId, metrics: d.metrics, lastLoss: d.lastLoss, epochs: d.epochs,
    trainImages: d.manifest.train.length, evalImages: d.manifest.eval.length, seconds, checkpointDir: d.checkpointDir,
  }
}

/** The final run's fields at the top; a pipeline adds its pretraining run under `pretrain`. */
export function runJson(d: RunDetail, pretrain: RunDetail | null, reused: boolean): RunJson & { pretrain?: RunJson & { reused: boolean } } {
  return pretrain ? { ...one(d), pretrain: { ...one(pretrain), reused } } : one(d)
}

/** The last pretraining epoch's SSL health, loudly when the representation collapsed. */
function healthLine(d: RunDetail): string | null {
  const last = d.epochs.at(-1)
  const h = last?.health
  if (!last || !h) return null
  const probe = h.probe === null ? '' : `, probe foreground IoU ${h.probe.toFixed(4)}`
  const text = `embedding std ${h.embeddingStd.toFixed(4)}, dead channels ${(h.deadChannels * 100).toFixed(1)}%${probe} (epoch ${last.epoch})`
  return h.collapsed ? `  COLLAPSED: ${text} — every image gets nearly the same embedding; its encoder is not worth finetuning` : `  health: ${text}`
}

export function formatRun(d: RunDetail, reused: boolean): string {
  const j = one(d)
  const lines = [
    `Run #${d.id} ${d.name}: ${reused ? 'reused (finished earlier)' : d.status}` +
      (j.seconds !== null && !reused ? ` in ${j.seconds.toFixed(1)} s` : '') + (d.backend ? ` on ${d.backend} (${j.threads} thread(s))` : '') + (j.worker ? ` on pool worker ${j.worker}` : ''),
    `  images: ${j.trainImages} train` + (j.evalImages ? `, ${j.evalImages} held out` : '') + ` (${d.config.split ?? 'official'} split)`,
  ]
  if (d.epochs.length > 0) lines.push(`  loss: ${d.epochs[0]!.loss.toFixed(4)} (epoch 1) → ${d.epochs.at(-1)!.loss.toFixed(4)} (epoch ${d.epochs.at(-1)!.epoch})`)
  const health = healthLine(d)
  if (health) lines.push(health)
  const aug = d.config.augment
  if (aug) {
    lines.push(`  augmentation: crop ${aug.scale.join('–')}, flip p=${aug.flipProb}, jitter p=${aug.jitterProb} (b ${aug.brightness}, c ${aug.contrast}, s ${aug.saturation}, h ${aug.hue}, ${aug.jitterOrder} order), grayscale p=${aug.grayProb}`)
  }
  const m = d.metrics
  if (m) {
    lines.push(`  held-out: mean IoU ${m.meanIou.toFixed(4)}, foreground IoU ${m.foregroundIou.toFixed(4)}, pixel accuracy ${m.pixelAccuracy.toFixed(4)}, F1 ${m.f1.toFixed(4)}, Jaccard ${m.jaccard.toFixed(4)}` + (m.evalBatch ? ` (test batches of ${m.evalBatch})` : ''))
  }
  if (d.checkpointDir) lines.push(`  checkpoint: ${d.checkpointDir}`)
  return lines.join('\n') + '\n'
}
