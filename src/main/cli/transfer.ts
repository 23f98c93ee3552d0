// `export`, `import` and `predict`: a finished run out as the app's tfjs layers folder, such a folder in
// as a run (refused when the run is already here), and a finetune's predicted trimaps for a split in the
// release's layout — through the same ExportService and PredictionsService calls as the app.
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { AppError } from '../../shared/errors'
import { cliArg, numberFlag, withCliApp } from './app'
import type { CliCommand } from './types'

const DATA = { 'data-dir': { type: 'string' }, json: { type: 'boolean' } } as const

function threadsFlag(v: string | undefined): number | undefined {
  const n = numberFlag(v)
  if (n === undefined) return undefined
  if (typeof n !== 'number' || n < 1) throw new AppError('BAD_INPUT', `--threads must be a whole number ≥ 1, got "${v}"`)
  return n
}

const exportCommand: CliCommand = {
  summary: 'write a finished run as a tfjs layers model folder (config, metrics, manifest, model card), as the app exports it',
  usage: 'export --run ID --out DIR [--json] [--data-dir DIR]',
  async run(argv, io) {
    const { values: v } = parseArgs({ args: argv, strict: true, options: { ...DATA, run: { type: 'string' }, out: { type: 'string' } } })
    const arg = cliArg('runs:export', { id: numberFlag(v.run), dest: v.out && resolve(v.out) }, { id: '--run', dest: '--out' })
    return withCliApp(v['data-dir'], 1, async (app) => {
      const res = await app.exporter.exportRun(arg.id, arg.dest)
      io.stdout.write(v.json ? JSON.stringify(res) + '\n' : `Exported run #${arg.id} to ${res.dir}\n`)
      return 0
    })
  },
}

const importCommand: CliCommand = {
  summary: 'import a folder written by export as a finished run (refused when that run is already here)',
  usage: 'import DIR [--dataset ID] [--json] [--data-dir DIR]',
  async run(argv, io) {
    const { values: v, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { ...DATA, dataset: { type: 'string' } } })
    if (positionals.length !== 1) throw new AppError('BAD_INPUT', 'import needs one folder: cli import DIR')
    const arg = cliArg('runs:import', { path: resolve(positionals[0]!), datasetId: numberFlag(v.dataset) }, { datasetId: '--dataset' })
    return withCliApp(v['data-dir'], 1, async (app) => {
      const r = await app.exporter.importRun(arg.path, arg.datasetId)
      io.stdout.write(v.json ? JSON.stringify(r) + '\n' : `Imported ${arg.path} as run #${r.id} "${r.name}"\n`)
      return 0
    })
  },
}

const predictCommand: CliCommand = {
  summary: "a finished finetune's predicted trimaps for a split as DIR/annotations/trimaps/<name>.png (values 1/2/3)",
  usage: 'predict --run ID --split test|trainval|all --out DIR [--dataset DIR] [--threads N] [--json] [--data-dir DIR]',
  async run(argv, io) {
    const { values: v } = parseArgs({
      args: argv, strict: true,
      options: { ...DATA, run: { type: 'string' }, out: { type: 'string' }, split: { type: 'string' }, dataset: { type: 'string' }, threads: { type: 'string' } },
    })
    const arg = cliArg('runs:exportPredictions', { id: numberFlag(v.run), split: v.split ?? 'test', dest: v.out && resolve(v.out) }, { id: '--run', split: '--split', dest: '--out' })
    return withCliApp(v['data-dir'], threadsFlag(v.threads), async (app) => {
      const run = app.runs.get(arg.id)
      if (v.dataset) {
        // Re-reads the folder (labels edited since), and makes sure it is the run's own dataset.
        const { datasetId, root } = await app.datasets.open(resolve(v.dataset))
        if (datasetId !== run.config.datasetId) throw new AppError('BAD_INPUT', `run #${arg.id} was trained on dataset #${run.config.datasetId}, not on ${root}`)
      }
      const res = await app.predictions.exportSplit(arg.id, arg.split, arg.dest)
      io.stdout.write(v.json ? JSON.stringify(res) + '\n' : `Wrote ${res.count} predicted trimaps of run #${arg.id} (${arg.split} split) to ${res.dir}\n`)
      return 0
    })
  },
}

/** Top-level commands: `cli export …`, `cli import …`, `cli predict …`. */
export const transferCommands: Record<string, CliCommand> = { export: exportCommand, import: importCommand, predict: predictCommand }
