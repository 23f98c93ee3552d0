// `runs` command group: list, show, update (rename, tags, note, archive) and delete runs of a data
// folder, through the app's RunsService and with the contract's schemas for the flags.
import { parseArgs } from 'node:util'
import { deletePlanText } from '../../shared/run-delete-text'
import type { RunSummary } from '../../shared/types/runs'
import { type CliApp, cliArg, numberFlag, runIdArg, withCliApp } from './app'
import type { CliCommand, CliGroup, CliIo } from './types'

const DATA = { 'data-dir': { type: 'string' }, json: { type: 'boolean' } } as const

function duration(r: RunSummary): string {
  if (!r.startedAt) return '—'
  const s = Math.round(((r.finishedAt ? Date.parse(r.finishedAt) : Date.now()) - Date.parse(r.startedAt)) / 1000)
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${(s / 3600).toFixed(1)} h`
}

function line(r: RunSummary): string {
  const m = r.metrics ? ` mIoU ${r.metrics.meanIou.toFixed(3)}` : ''
  const tags = r.tags?.length ? ` [${r.tags.join(', ')}]` : ''
  const started = r.startedAt ? r.startedAt.slice(0, 16).replace('T', ' ') : 'not started'
  return `#${r.id}\t${r.status}${r.archived ? ' (archived)' : ''}\t${r.kind} ${r.config.method}\t${r.name}${tags}\t${started}\t${duration(r)}${m}`
}

const list: CliCommand = {
  summary: 'list runs, newest first (archived ones only with --archived)',
  usage: 'runs list [--dataset ID] [--archived] [--json] [--data-dir DIR]',
  async run(argv, io) {
    const { values: v } = parseArgs({ args: argv, strict: true, options: { ...DATA, dataset: { type: 'string' }, archived: { type: 'boolean' } } })
    const arg = cliArg('runs:list', { datasetId: numberFlag(v.dataset), includeArchived: v.archived }, { datasetId: '--dataset' })
    return withCliApp(v['data-dir'], undefined, async (app) => {
      const runs = app.runs.list(arg.datasetId, { includeArchived: arg.includeArchived })
      io.stdout.write(v.json ? JSON.stringify(runs) + '\n' : runs.length ? runs.map(line).join('\n') + '\n' : 'No runs.\n')
      return 0
    })
  },
}

const show: CliCommand = {
  summary: 'one run: config, status, times, epochs, metrics, tags and note',
  usage: 'runs show ID [--json] [--data-dir DIR]',
  async run(argv, io) {
    const { values: v, positionals } = parseArgs({ args: argv, strict: true, allowPositionals: true, options: DATA })
    const { id } = cliArg('runs:get', { id: runIdArg(positionals[0], 'runs show') })
    return withCliApp(v['data-dir'], undefined, async (app) => {
      const d = app.runs.get(id)
      if (v.json) io.stdout.write(JSON.stringify(d) + '\n')
      else {
        const lines = [line(d), `  config: ${JSON.stringify(d.config)}`, `  images: ${d.manifest.train.length} train, ${d.manifest.eval.length} held out`]
        if (d.epochs.length) lines.push(`  loss: ${d.epochs.map((e) => e.loss.toFixed(4)).join(' → ')}`)
        if (d.parentRunId) lines.push(`  pretraining run: #${d.parentRunId}`)
        if (d.error) lines.push(`  error: ${d.error}`)
        if (d.note) lines.push(`  note: ${d.note}`)
        if (d.checkpointDir) lines.push(`  checkpoint: ${d.checkpointDir}`)
        io.stdout.write(lines.join('\n') + '\n')
      }
      return 0
    })
  },
}

const update: CliCommand = {
  summary: 'rename, tag (comma-separated short words), note, archive or unarchive a run',
  usage: 'runs update ID [--name TEXT] [--tags a,b] [--note TEXT] [--archive | --unarchive] [--json] [--data-dir DIR]',
  async run(argv, io) {
    const { values: v, positionals } = parseArgs({
      args: argv, strict: true, allowPositionals: true,
      options: { ...DATA, name: { type: 'string' }, tags: { type: 'string' }, note: { type: 'string' }, archive: { type: 'boolean' }, unarchive: { type: 'boolean' } },
    })
    const archived = v.archive ? true : v.unarchive ? false : undefined
    const tags = v.tags === undefined ? undefined : v.tags.split(',').map((t) => t.trim()).filter(Boolean)
    const { id, ...fields } = cliArg('runs:update', { id: runIdArg(positionals[0], 'runs update'), name: v.name, tags, note: v.note, archived }, { name: '--name', tags: '--tags', note: '--note' })
    return withCliApp(v['data-dir'], undefined, async (app) => {
      const r = app.runs.update(id, fields)
      io.stdout.write(v.json ? JSON.stringify(r) + '\n' : line(r) + '\n')
      return 0
    })
  },
}

const del: CliCommand = {
  summary: 'delete a run with its checkpoints and predictions; without --yes, prints what would go and exits 1',
  usage: 'runs delete ID [--yes] [--with-finetunes] [--json] [--data-dir DIR]',
  async run(argv, io) {
    const { values: v, positionals } = parseArgs({
      args: argv, strict: true, allowPositionals: true, options: { ...DATA, yes: { type: 'boolean' }, 'with-finetunes': { type: 'boolean' } },
    })
    const arg = cliArg('runs:delete', { id: runIdArg(positionals[0], 'runs delete'), withDependents: v['with-finetunes'] })
    return withCliApp(v['data-dir'], undefined, async (app) => {
      if (!v.yes) return dryRun(io, app.runs.deletePlan(arg.id), v.json === true)
      const res = app.runs.delete(arg.id, arg.withDependents)
      io.stdout.write(v.json ? JSON.stringify(res) + '\n' : `Deleted ${res.deleted.map((d) => `run #${d}`).join(', ')} with ${res.deleted.length === 1 ? 'its' : 'their'} files.\n`)
      return 0
    })
  },
}

function dryRun(io: CliIo, plan: ReturnType<CliApp['runs']['deletePlan']>, json: boolean): number {
  if (json) io.stdout.write(JSON.stringify(plan) + '\n')
  else {
    const how = plan.dependents.length ? 'run again with --yes --with-finetunes to delete them all' : 'run again with --yes to delete it'
    io.stdout.write(`${deletePlanText(plan)}\n${plan.blocked ? '' : `Nothing was deleted: ${how}.\n`}`)
  }
  return 1
}

export const runsGroup: CliGroup = {
  name: 'runs',
  summary: 'the training runs of a data folder: list, show, update, delete',
  commands: { list, show, update, delete: del },
}
