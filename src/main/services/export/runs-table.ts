// The runs table as CSV (one header row, one row per run, RFC 4180 quoting) or JSON, for spreadsheets
// and notebooks. Columns follow the compare view: config fields, status, backend, final metrics. Pure:
// the rows come from RunsService.list.
import { AppError } from '../../../shared/errors'
import type { RunSummary } from '../../../shared/types/runs'
import { channelsOf } from '../../training/worker/models/unet'

type Cell = string | number | boolean | null

const labelsOf = (r: RunSummary): string => {
  const l = r.config.labels
  if (!l) return ''
  return l.mode === 'count' ? String(l.count) : `${+(l.fraction * 100).toFixed(4)}%`
}

const COLUMNS: [string, (r: RunSummary) => Cell][] = [
  ['id', (r) => r.id],
  ['name', (r) => r.name],
  ['kind', (r) => r.kind],
  ['method', (r) => r.config.method],
  ['labels', labelsOf],
  ['frozen', (r) => r.config.frozenEncoder],
  ['skips', (r) => r.config.skips],
  ['seed', (r) => r.config.seed],
  ['status', (r) => r.status],
  ['backend', (r) => r.backend],
  ['parent_run_id', (r) => r.parentRunId],
  ['epochs', (r) => r.config.epochs],
  ['batch_size', (r) => r.config.batchSize],
  ['image_size', (r) => r.config.imageSize],
  ['learning_rate', (r) => r.config.learningRate],
  ['channels', (r) => channelsOf(r.config).join(' ')],
  ['tag', (r) => r.config.tag ?? null],
  ['last_loss', (r) => r.lastLoss],
  ['mean_iou', (r) => r.metrics?.meanIou ?? null],
  ['foreground_iou', (r) => r.metrics?.foregroundIou ?? null],
  ['f1', (r) => r.metrics?.f1 ?? null],
  ['jaccard', (r) => r.metrics?.jaccard ?? null],
  ['pixel_accuracy', (r) => r.metrics?.pixelAccuracy ?? null],
  ['iou_pet', (r) => r.metrics?.iou[0] ?? null],
  ['iou_background', (r) => r.metrics?.iou[1] ?? null],
  ['iou_border', (r) => r.metrics?.iou[2] ?? null],
  ['created_at', (r) => r.createdAt],
  ['finished_at', (r) => r.finishedAt],
  ['error', (r) => r.error],
]

function csvCell(v: Cell): string {
  const s = v === null ? '' : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function runsToCsv(runs: RunSummary[]): string {
  const lines = [COLUMNS.map(([h]) => h).join(',')]
  for (const r of runs) lines.push(COLUMNS.map(([, get]) => csvCell(get(r))).join(','))
  return lines.join('\r\n') + '\r\n'
}

/** One object per run: the table's columns, plus the full config and metrics for lossless reading. */
export function runsToJson(runs: RunSummary[]): string {
  const rows = runs.map((r) => ({
    ...Object.fromEntries(COLUMNS.map(([h, get]) => [h, get(r)])),
    config: r.config,
    metrics: r.metrics,
  }))
  return JSON.stringify(rows, null, 2) + '\n'
}

/** The table of runs `ids` (in that order) among `all`, or of all of them; refuses ids not among them. */
export function runsTable(all: RunSummary[], ids: number[] | undefined, format: 'csv' | 'json'): { text: string; mime: string } {
  let rows = all
  if (ids) {
    const byId = new Map(all.map((r) => [r.id, r]))
    const missing = ids.filter((i) => !byId.has(i))
    if (missing.length) throw new AppError('NOT_FOUND', `no run with id ${missing.join(', ')}`)
    rows = ids.map((i) => byId.get(i)!)
  }
  return format === 'csv' ? { text: runsToCsv(rows), mime: 'text/csv' } : { text: runsToJson(rows), mime: 'application/json' }
}
