// Training-step benchmark: one Dice+Adam step of the paper U-Net (or, with --simclr, one SimCLR step at
// 64×64 including augmentation); prints one JSON line to compare with ../shared/bench/torch_unet.py.
// Use: npm run bench:train -- --size 128 --batch 32 --steps 3 [--simclr] [--threads N] [--backend wasm]
import * as tf from '@tensorflow/tfjs'
import os from 'node:os'
import { parseArgs } from 'node:util'
import { type BackendName, selectBackend } from '../src/main/training/backend'
import { arraySource, makeBatch } from '../src/main/training/data/source'
import { stepOnBatch } from '../src/main/training/loop'
import { buildSimclrModel } from '../src/main/training/models/projection-head'
import { buildUnet, PAPER_CHANNELS } from '../src/main/training/models/unet'
import type { Objective } from '../src/main/training/objectives'
import { makeRng } from '../src/main/training/augment/random'

const { values } = parseArgs({
  options: {
    size: { type: 'string' },
    batch: { type: 'string', default: '32' },
    steps: { type: 'string', default: '3' },
    simclr: { type: 'boolean', default: false },
    threads: { type: 'string', default: String(os.cpus().length) },
    backend: { type: 'string' },
  },
})
const simclr = values.simclr ?? false
const size = Number(values.size ?? (simclr ? 64 : 128))
const batchSize = Number(values.batch)
const steps = Number(values.steps)
if (![size, batchSize, steps].every((v) => Number.isInteger(v) && v > 0)) throw new Error('--size, --batch and --steps must be positive integers')

const choice = await selectBackend({ force: values.backend as BackendName | undefined, wasmThreads: Number(values.threads) })
for (const a of choice.attempts.filter((x) => !x.ok)) console.error(`${a.backend}: ${a.reason}`)
const channels = [...PAPER_CHANNELS]
const rng = makeRng(0)
const bytes = (n: number, max: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(rng() * max))
const images = Array.from({ length: batchSize }, () => bytes(size * size * 3, 256))
const trimaps = Array.from({ length: batchSize }, () => Uint8Array.from(bytes(size * size, 3), (v) => v + 1))
const batch = makeBatch(arraySource(size, images, trimaps), images.map((_, i) => i), !simclr)

const unet = buildUnet({ inputSize: simclr ? 64 : size, channels, skips: true, outChannels: 3, outActivation: 'softmax' })
const model = simclr ? buildSimclrModel(unet, channels) : unet
const objective: Objective = simclr ? { kind: 'simclr', viewSize: 64, temperature: 0.2 } : { kind: 'segment' }
const optimizer = tf.train.adam(1e-3)
const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)

const times: number[] = []
const cpu: number[] = []
for (let s = 0; s <= steps; s++) {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  await stepOnBatch(model, batch, objective, optimizer, vars, s)
  const c = process.cpuUsage(c0)
  if (s > 0) times.push((performance.now() - t0) / 1000)
  if (s > 0) cpu.push((c.user + c.system) / 1e6)
}
const best = Math.min(...times)
console.log(
  JSON.stringify({
    backend: choice.name,
    threads: choice.threads,
    size,
    batch: batchSize,
    simclr,
    img_per_s: Number((batchSize / best).toFixed(2)),
    step_s: times.map((t) => Number(t.toFixed(3))),
    // CPU seconds of the whole process per step: on a shared machine, wall time alone misleads.
    cpu_s: cpu.map((t) => Number(t.toFixed(2))),
    load: Number(os.loadavg()[0]!.toFixed(2)),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
)
process.exit(0)
