// Node half of the Keras-export check (docs/keras-export.md): trains tiny runs on the demo dataset with
// the app's own services, exports each with ExportService, and writes a fixed input plus what plain
// @tensorflow/tfjs predicts from the exported folder, for verify-keras-export.py to compare against Keras.
// Usage: npx tsx scripts/verify-keras-export.ts <empty-or-new-dir>
import * as tf from '@tensorflow/tfjs'
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { generateDemo } from '../src/main/dataset/demo/generate'
import { openDatabase } from '../src/main/db/open'
import { DatasetService } from '../src/main/services/dataset-service'
import { ExportService } from '../src/main/services/export-service'
import { RunsService } from '../src/main/services/runs-service'
import type { RunConfig } from '../src/shared/types/runs'

const SIZE = 32
const BATCH = 2

interface Case {
  name: string
  /** The exported folder (model.json + weights.bin + …). */
  dir: string
  inputShape: number[]
  outputShape: number[]
}

/** The three model shapes an export can hold: segmentation U-Net, MAE U-Net without skips, SimCLR encoder + head. */
function configs(datasetId: number): Record<string, RunConfig> {
  const base: RunConfig = {
    kind: 'finetune', datasetId, method: 'none', labels: { mode: 'count', count: 4 }, frozenEncoder: false, skips: true,
    epochs: 1, batchSize: 4, imageSize: SIZE, simclrSize: SIZE, learningRate: 0.01, seed: 1, channels: [4, 8],
  }
  return {
    finetune: base,
    'mae-patch-noskip': { ...base, kind: 'pretrain', method: 'mae-patch', labels: undefined, skips: false },
    simclr: { ...base, kind: 'pretrain', method: 'simclr', labels: undefined },
  }
}

/** A deterministic input in [0, 1) (an LCG, so the same bytes on every machine). */
function fixedInput(n: number): Float32Array {
  let s = 12345
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) % 65536) / 65536)
}

/** Loads the exported folder with nothing but tfjs's own IOHandler contract, as a third-party user would. */
async function loadPlain(dir: string): Promise<tf.LayersModel> {
  const m = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'))
  const all = Buffer.concat(m.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(join(dir, p)))))
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: m.modelTopology,
    weightSpecs: m.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights),
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  }))
}

async function main(): Promise<void> {
  const out = resolve(process.argv[2] ?? '')
  if (!process.argv[2]) throw new Error('usage: tsx scripts/verify-keras-export.ts <empty-or-new-dir>')
  mkdirSync(out, { recursive: true })
  if (readdirSync(out).length) throw new Error(`${out} is not empty`)
  const work = join(out, 'work')
  await generateDemo({ out: join(work, 'pets'), count: 40, seed: 3 })
  const db = openDatabase(join(work, 'workbench.sqlite'))
  const datasets = new DatasetService({ db, cacheDir: join(work, 'cache'), demoDir: join(work, 'demo') })
  const datasetId = (await datasets.open(join(work, 'pets'))).datasetId
  const runs = new RunsService({ db, datasets, runsDir: join(work, 'runs'), wasmThreads: 1, progressIntervalMs: 0, emit: () => {} })
  runs.start()
  const exporter = new ExportService({ runs, datasets, runsDir: join(work, 'runs'), wasmThreads: 1 })
  const cases: Case[] = []
  try {
    for (const [name, config] of Object.entries(configs(datasetId))) {
      const queued = await runs.enqueue(config)
      await runs.waitFor(queued.id)
      const run = runs.get(queued.id)
      if (run.status !== 'done') throw new Error(`run ${name} ended ${run.status}: ${run.error ?? ''}`)
      const dir = join(out, name)
      await exporter.exportRun(run.id, dir)
      cases.push(await predictCase(name, dir, out))
      process.stdout.write(`exported ${name} to ${dir}\n`)
    }
  } finally {
    await runs.close()
    datasets.close()
    db.close()
  }
  writeFileSync(join(out, 'cases.json'), JSON.stringify({ tfjs: tf.version.tfjs, backend: tf.getBackend(), cases }, null, 2))
}

/** Writes <name>.input.bin and <name>.tfjs.bin (float32, row-major) beside the exported folder. */
async function predictCase(name: string, dir: string, out: string): Promise<Case> {
  const model = await loadPlain(dir)
  const inputShape = [BATCH, SIZE, SIZE, 3]
  const x = fixedInput(inputShape.reduce((a, b) => a * b, 1))
  const y = tf.tidy(() => model.predict(tf.tensor4d(x, inputShape as [number, number, number, number])) as tf.Tensor)
  writeFileSync(join(out, `${name}.input.bin`), x)
  writeFileSync(join(out, `${name}.tfjs.bin`), new Float32Array(y.dataSync()))
  const outputShape = y.shape
  tf.dispose(y)
  model.dispose()
  return { name, dir, inputShape, outputShape }
}

main().catch((err: unknown) => {
  process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`)
  process.exitCode = 1
})
