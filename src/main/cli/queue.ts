// `queue template table1|table2|sweep`: the Train tab's experiment templates, built by the same pure
// builders (shared/run-templates.ts) from the same form, checked by the contract's schema and queued
// all or nothing through RunsService.queueMany; --dry-run prints the plan and queues nothing.
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { AppError } from '../../shared/errors'
import { PRETRAIN_METHODS } from '../../shared/training-protocol'
import type { BatchPlan } from '../../shared/run-batch'
import { parseCounts, pipelineItems, sweepSteps, table1Steps, table2Steps, type TemplateStep } from '../../shared/run-templates'
import { CPU_DEFAULTS, type TrainForm, withPaperSettings } from '../../shared/train-form'
import type { RunConfig } from '../../shared/types/runs'
import { cliArg, numberFlag, withCliApp } from './app'
import type { CliCommand, CliGroup } from './types'

const OPTIONS = {
  'data-dir': { type: 'string' }, json: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, dataset: { type: 'string' },
  seeds: { type: 'string' }, counts: { type: 'string' }, method: { type: 'string' }, paper: { type: 'boolean' },
  epochs: { type: 'string' }, batch: { type: 'string' }, 'pretrain-batch': { type: 'string' }, size: { type: 'string' },
  'simclr-size': { type: 'string' }, seed: { type: 'string' }, lr: { type: 'string' }, split: { type: 'string' },
  frozen: { type: 'boolean' }, 'no-skip': { type: 'boolean' }, keep: { type: 'string' }, 'train-on': { type: 'string' },
} as const
type Values = ReturnType<typeof parse>['values']
const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true })

/** The Train tab's form: its CPU defaults (or the paper's preset with --paper) and the flags given. */
function formOf(v: Values): TrainForm {
  const base = v.paper ? withPaperSettings(CPU_DEFAULTS) : CPU_DEFAULTS
  const num = (s: string | undefined, fallback: number): number => (s === undefined ? fallback : Number(s))
  const split = v.split ?? base.split
  if (split !== 'official' && split !== 'paper') throw new AppError('BAD_INPUT', `--split must be official or paper, got "${split}"`)
  const keep = v.keep ?? base.keep
  if (keep !== 'last' && keep !== 'best') throw new AppError('BAD_INPUT', `--keep must be last or best, got "${keep}"`)
  const runOn = v['train-on'] ?? base.runOn
  if (runOn !== 'setting' && runOn !== 'local' && runOn !== 'pool') throw new AppError('BAD_INPUT', `--train-on must be local or pool, got "${runOn}"`)
  return {
    ...base, split, keep, runOn, epochs: num(v.epochs, base.epochs), batchSize: num(v.batch, base.batchSize), pretrainBatchSize: num(v['pretrain-batch'], base.pretrainBatchSize),
    imageSize: num(v.size, base.imageSize), simclrSize: num(v['simclr-size'], base.simclrSize), seed: num(v.seed, base.seed),
    learningRate: num(v.lr, base.learningRate), frozenEncoder: v.frozen === true, skips: v['no-skip'] !== true,
  }
}

function steps(kind: string | undefined, form: TrainForm, datasetId: number, v: Values): TemplateStep[] {
  const seeds = Number(numberFlag(v.seeds) ?? 1)
  try {
    if (kind === 'table1') return table1Steps(form, datasetId, seeds)
    if (kind === 'table2') return table2Steps(form, datasetId, seeds)
    if (kind === 'sweep') {
      const method = (v.method ?? 'simclr') as RunConfig['method']
      if (![...PRETRAIN_METHODS, 'none'].includes(method)) throw new Error(`--method must be one of ${[...PRETRAIN_METHODS, 'none'].join(', ')}, got "${method}"`)
      return sweepSteps(form, datasetId, { method, counts: parseCounts(v.counts ?? ''), seeds })
    }
  } catch (err) {
    throw new AppError('BAD_INPUT', (err as Error).message)
  }
  throw new AppError('BAD_INPUT', `queue template needs table1, table2 or sweep, got "${kind ?? ''}"`)
}

/** Each step as the pipeline call it becomes, checked by the contract's schema (as the app's calls are). */
function checked(all: TemplateStep[]): TemplateStep[] {
  return all.map((s) => ({ ...s, ...cliArg('runs:pipeline', { pretrain: s.pretrain, finetune: s.finetune }) }))
}

function planText(all: TemplateStep[]): string {
  const pretrainings = new Set(all.map((s) => s.pretrainKey).filter((k) => k !== null)).size
  const lines = all.map((s, i) => `  ${i + 1}. ${s.finetune.tag ?? s.finetune.method} — seed ${s.finetune.seed}, ${s.finetune.epochs} epochs` + (s.pretrainKey ? ` (after pretraining ${s.pretrainKey})` : ''))
  return `${all.length} finetunes and ${pretrainings} pretraining runs:\n${lines.join('\n')}\n`
}

/** The service's plan of the batch: each finetune, where its encoder comes from, and why any is refused. */
function batchText(plan: BatchPlan): string {
  const from = (p: BatchPlan['items'][number]['pretrain']): string =>
    p === null ? 'from scratch' : p.action === 'new' ? 'after a new pretraining' : p.action === 'shared' ? `after item ${p.item + 1}'s pretraining` : `reusing run #${p.runId} (${p.status})`
  const lines = plan.items.map((it, i) => `  ${i + 1}. ${it.name} — trains on ${it.finetune.trainCount}, ${from(it.pretrain)}${it.problems.length ? ` — REFUSED: ${it.problems.join('; ')}` : ''}`)
  const head = plan.ok ? 'Would queue' : 'Would queue nothing (a run is refused):'
  return `${head} ${plan.items.length} finetunes and ${plan.newPretrains} new pretraining runs (reusing ${plan.reused.length}):\n${lines.join('\n')}\n`
}

const template: CliCommand = {
  summary: "queue the paper's Table 1 or Table 2 (K seeds) or a label-budget sweep, all or nothing, as the Train tab does; --dry-run prints the plan",
  usage: 'queue template table1|table2|sweep --dataset DIR [--seeds K] [--counts 10,50] [--method M] [--paper] [--epochs N] [--batch N] [--size S] [--seed N] [--split official|paper] [--keep last|best] [--train-on local|pool] [--dry-run] [--json] [--data-dir DIR]',
  async run(argv, io) {
    const { values: v, positionals } = parse(argv)
    const form = formOf(v)
    if (v['dry-run'] && !v.dataset) {
      // Nothing is queued: the plan reads the same for any dataset.
      const all = checked(steps(positionals[0], form, 1, v))
      io.stdout.write(v.json ? JSON.stringify(all) + '\n' : `Would queue ${planText(all)}`)
      return 0
    }
    if (!v.dataset) throw new AppError('BAD_INPUT', 'queue template needs --dataset DIR (or --dry-run)')
    const dataset = resolve(v.dataset)
    return withCliApp(v['data-dir'], undefined, async (app) => {
      const { datasetId } = await app.datasets.open(dataset)
      const items = pipelineItems(checked(steps(positionals[0], form, datasetId, v)))
      if (v['dry-run']) {
        const plan = await app.runs.planMany(items)
        io.stdout.write(v.json ? JSON.stringify(plan) + '\n' : batchText(plan))
        return plan.ok ? 0 : 1
      }
      const queued = await app.runs.queueMany(items)
      const ids = queued.map((r) => r.id)
      io.stdout.write(v.json ? JSON.stringify(queued) + '\n' : `Queued ${ids.length} runs (#${ids.join(', #')}); the app's queue trains them.\n`)
      return 0
    })
  },
}

export const queueGroup: CliGroup = { name: 'queue', summary: "experiment templates for the app's training queue", commands: { template } }
