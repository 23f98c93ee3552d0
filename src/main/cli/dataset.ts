// `dataset` command group: write the demo dataset, index a dataset folder or the release's archives.
import { parseArgs } from 'node:util'
import { resolve } from 'node:path'
import { AppError } from '../../shared/errors'
import type { IndexSummary } from '../../shared/types/dataset'
import { generateDemo } from '../dataset/demo/generate'
import { resolveDatasetInput } from '../dataset/inputs'
import { openCliServices } from './services'
import { progressReporter } from './progress'
import type { CliCommand, CliGroup, CliIo } from './types'

function intOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) throw new AppError('BAD_INPUT', `--${name} must be a non-negative integer, got "${value}"`)
  return Number(value)
}

const demo: CliCommand = {
  summary: 'write the built-in demo dataset (official layout) to a folder',
  usage: 'dataset demo --out DIR [--count N] [--seed S] [--json]',
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, count: { type: 'string' }, seed: { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
    })
    if (!values.out) throw new AppError('BAD_INPUT', 'dataset demo needs --out DIR')
    const progress = progressReporter(io, values.json)
    const started = performance.now()
    const result = await generateDemo({
      out: resolve(values.out),
      count: intOption(values.count, 'count'),
      seed: intOption(values.seed, 'seed'),
      onProgress: progress.report,
    })
    progress.end()
    if (values.json) {
      io.stdout.write(JSON.stringify(result) + '\n')
      return 0
    }
    const s = result.splits
    io.stdout.write(
      `Wrote the demo dataset to ${result.root} in ${((performance.now() - started) / 1000).toFixed(1)} s:\n` +
        `  ${result.images} images (trainval ${s.trainval}, test ${s.test}, none ${s.none}), ` +
        `${result.images} trimaps, ${result.xmls} head-box xmls\n` +
        `  quirks like the release's:\n` +
        result.quirks.map((q) => `    ${q.file}: ${q.what}\n`).join(''),
    )
    return 0
  },
}

const index: CliCommand = {
  summary: 'index a dataset folder, a folder holding images.tar.gz + annotations.tar.gz, or those archives',
  usage: 'dataset index DIR|ARCHIVE... [--json] [--db FILE] [--data-dir DIR] [--dest DIR]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean' },
        db: { type: 'string' },
        'data-dir': { type: 'string' },
        dest: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    })
    const input = resolveDatasetInput(positionals)
    const progress = progressReporter(io)
    const services = openCliServices({ dataDir: values['data-dir'], db: values.db, emit: progress.report })
    try {
      const summary =
        input.kind === 'folder'
          ? await services.datasets.open(input.root)
          : await services.datasets.importArchives(input.archives, values.dest ?? input.dest)
      progress.end()
      io.stdout.write(values.json ? JSON.stringify(jsonSummary(summary)) + '\n' : humanSummary(summary))
      return 0
    } finally {
      progress.end()
      services.close()
    }
  },
}

/** The `--json` shape, exactly: {images, labelled, splits, skipped, broken}. */
export function jsonSummary(s: IndexSummary): Pick<IndexSummary, 'images' | 'labelled' | 'splits' | 'skipped' | 'broken'> {
  return { images: s.images, labelled: s.labelled, splits: s.splits, skipped: s.skipped, broken: s.broken }
}

function humanSummary(s: IndexSummary): string {
  const lines = [
    `Indexed ${s.root} in ${s.seconds.toFixed(2)} s`,
    `  images:   ${s.images}`,
    `  labelled: ${s.labelled}`,
    `  splits:   trainval ${s.splits.trainval}, test ${s.splits.test}, none ${s.splits.none}`,
    `  skipped:  ${s.skipped.length}${s.skipped.length ? ' — ' + s.skipped.join(', ') : ''}`,
    `  broken:   ${s.broken.length}`,
    ...s.broken.map((b) => `    ${b.file}: ${b.reason}`),
  ]
  return lines.join('\n') + '\n'
}

export const datasetGroup: CliGroup = {
  name: 'dataset',
  summary: 'the Oxford-IIIT Pet dataset: demo generator and indexer',
  commands: { demo, index },
}

export type { CliIo }
