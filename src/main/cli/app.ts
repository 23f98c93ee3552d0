// The app's run services for the CLI's run commands (runs, export, import, predict, queue): the same
// RunsService, ExportService and PredictionsService the window uses, on --data-dir, with nothing
// started (no run trains), and the contract's own schemas for the flags.
import { join, resolve } from 'node:path'
import type { ArgOf, Channel } from '../../shared/api'
import { parseArg } from '../../shared/api-schemas'
import { AppError } from '../../shared/errors'
import { appPaths, defaultDataDir } from '../paths'
import { ExportService } from '../services/export-service'
import { LabelsService } from '../services/labels-service'
import { PredictionsService } from '../services/predictions-service'
import { RunsService } from '../services/runs-service'
import { type CliServices, openCliServices } from './services'

export interface CliApp extends CliServices {
  runs: RunsService
  exporter: ExportService
  predictions: PredictionsService
  close(): Promise<void>
}

/** Opens the data folder's database and the run services; close() ends them (call it in a finally). */
/** Runs `work` on the app's services for one command, and closes them whatever happens. */
export async function withCliApp<T>(dataDir: string | undefined, threads: number | undefined, work: (app: CliApp) => Promise<T> | T): Promise<T> {
  const app = openCliApp(dataDir, threads)
  try {
    return await work(app)
  } finally {
    await app.close()
  }
}

export function openCliApp(dataDir: string | undefined, threads?: number): CliApp {
  const paths = appPaths(dataDir ? resolve(dataDir) : defaultDataDir())
  const base = openCliServices({ dataDir: paths.dataDir })
  const emit = (): void => undefined
  const runs = new RunsService({ db: base.db, datasets: base.datasets, runsDir: paths.runsDir, emit, wasmThreads: threads })
  const exporter = new ExportService({ runs, datasets: base.datasets, runsDir: paths.runsDir, wasmThreads: threads })
  const labels = new LabelsService({ datasets: base.datasets, emit })
  const predictionsDir = join(paths.dataDir, 'predictions')
  const predictions = new PredictionsService({ db: base.db, runs, datasets: base.datasets, labels, predictionsDir, emit, wasmThreads: threads })
  return {
    ...base,
    runs, exporter, predictions,
    close: async () => {
      await predictions.close()
      await runs.close()
      base.close()
    },
  }
}

/**
 * A call's argument built from flags and checked by the contract's schema, as the app's calls are; a
 * problem names the flag (`flags` maps the argument's fields to them) rather than the field.
 */
export function cliArg<K extends Channel>(channel: K, arg: unknown, flags: Record<string, string> = {}): ArgOf<K> {
  try {
    return parseArg(channel, arg)
  } catch (err) {
    const msg = (err as Error).message.replace(`${channel}: `, '')
    // The field is the path to the problem ("tags.0"); its first part is the flag's.
    const field = msg.split(/[.:]/)[0]!
    const flag = flags[field]
    throw new AppError('BAD_INPUT', flag ? `${flag}${msg.slice(field.length)}` : msg)
  }
}

/** A flag's number as the schema sees it: digits become a number, anything else stays text (and is refused). */
export function numberFlag(v: string | undefined): number | string | undefined {
  if (v === undefined) return undefined
  return /^\d+$/.test(v.trim()) ? Number(v) : v
}

/** A positional run id, refused in one line when missing or not a whole number. */
export function runIdArg(v: string | undefined, command: string): number {
  if (v === undefined) throw new AppError('BAD_INPUT', `${command} needs a run id (cli runs list shows them)`)
  const n = numberFlag(v)
  if (typeof n !== 'number' || n < 1) throw new AppError('BAD_INPUT', `a run id is a whole number ≥ 1, got "${v}"`)
  return n
}
