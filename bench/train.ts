// Training-step benchmark: one Dice+Adam step of the paper U-Net (or, with --simclr, one SimCLR step at
// 64×64 including augmentation); prints one JSON line to compare with ../shared/bench/torch_unet.py.
// Each timed step builds and uploads its own batch, as a run does; `loop_img_per_s` is train()'s own
// throughput, steps queued a step ahead of their loss reads, which is what a run on a GPU sees.
// Use: npm run bench:train -- --size 128 --batch 32 --steps 3 [--simclr] [--threads N] [--backend wasm|webgpu] [--profile] [--stock-adam]
//      npm run bench:train -- --backend webgpu --check   (webgpu's losses against cpu's, every objective; exits 1 on a mismatch)
import * as tf from '@tensorflow/tfjs'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { adam } from '../src/main/training/worker/adam'
import { type BackendName, selectBackend } from '../src/main/training/worker/backend'
import { arraySource, batchTensors, disposeBatch, prepareBatch } from '../src/main/training/worker/data/source'
import { stepOnBatch, train } from '../src/main/training/worker/loop'
import { buildSimclrModel } from '../src/main/training/worker/models/projection-head'
import { buildUnet, PAPER_CHANNELS } from '../src/main/training/worker/models/unet'
import type { Objective } from '../src/main/training/worker/objectives'
import { makeRng } from '../src/main/training/worker/augment/random'
import { checkWebgpu } from './webgpu-check'
import { countWebgpu, type StepCounts } from './webgpu-counters'

const { values } = parseArgs({
  options: {
    size: { type: 'string' },
    batch: { type: 'string', default: '32' },
    steps: { type: 'string', default: '3' },
    simclr: { type: 'boolean', default: false },
    threads: { type: 'string', default: String(os.cpus().length) },
    backend: { type: 'string' },
    profile: { type: 'boolean', default: false },
    // tfjs's own Adam instead of the fused webgpu update, to time what the fusion saves.
    'stock-adam': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
})
const simclr = values.simclr ?? false
const size = Number(values.size ?? (simclr ? 64 : 128))
const batchSize = Number(values.batch)
const steps = Number(values.steps)
if (![size, batchSize, steps].every((v) => Number.isInteger(v) && v > 0)) throw new Error('--size, --batch and --steps must be positive integers')

// The self-contained GPU folder (scripts/gpu-folder.ts) ships dawn.node beside this script, bundled.
const besideMe = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dawn.node')
if (!process.env.DAWN_NODE_PATH && fs.existsSync(besideMe)) process.env.DAWN_NODE_PATH = besideMe
// Dawn exposes GPU timestamps (tf.profile's kernel times) only with its unsafe APIs allowed.
const dawnFlags = values.profile ? ['enable-dawn-features=allow_unsafe_apis'] : []
const choice = await selectBackend({ force: values.backend as BackendName | undefined, wasmThreads: Number(values.threads), dawnFlags })
for (const a of choice.attempts.filter((x) => !x.ok)) console.error(`${a.backend}: ${a.reason}`)
if (values.check) {
  if (choice.name !== 'webgpu') throw new Error(`--check compares webgpu with cpu; the backend is ${choice.name}`)
  const results = await checkWebgpu()
  for (const r of results) console.log(JSON.stringify({ ...r, adapter: choice.adapter }))
  process.exit(results.every((r) => r.ok) ? 0 : 1)
}
const gpuProfile = values.profile && choice.name === 'webgpu'
const profile = values.profile && !gpuProfile ? profileKernels(choice.name) : null
const gpuTimes = new Map<string, { ms: number; calls: number }>()
const channels = [...PAPER_CHANNELS]
const rng = makeRng(0)
const bytes = (n: number, max: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(rng() * max))
// `steps` batches of distinct images: train() below goes through each once.
const images = Array.from({ length: batchSize * steps }, () => bytes(size * size * 3, 256))
const trimaps = Array.from({ length: batchSize * steps }, () => Uint8Array.from(bytes(size * size, 3), (v) => v + 1))
const source = arraySource(size, images, trimaps)
const first = Array.from({ length: batchSize }, (_, i) => i)

const unet = buildUnet({ inputSize: simclr ? 64 : size, channels, skips: true, outChannels: 3, outActivation: 'softmax' })
const model = simclr ? buildSimclrModel(unet, channels) : unet
const objective: Objective = simclr ? { kind: 'simclr', viewSize: 64, temperature: 0.2 } : { kind: 'segment' }
const optimizer = values['stock-adam'] ? tf.train.adam(1e-3) : adam(1e-3)
const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)

const counter = choice.name === 'webgpu' ? countWebgpu() : null
const counts: StepCounts[] = []
const times: number[] = []
const cpu: number[] = []
// Host milliseconds per step: building the batch's arrays, then uploading it and recording the step
// (everything up to the loss read; on a GPU backend the GPU works after that).
const prepareMs: number[] = []
const recordMs: number[] = []
for (let s = 0; s <= steps; s++) {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const host = prepareBatch(source, first, !simclr)
  const t1 = performance.now()
  counter?.take()
  const batch = batchTensors(host)
  const step = gpuProfile && s > 0 ? profileGpuStep(() => stepOnBatch(model, batch, objective, optimizer, vars, s), gpuTimes) : stepOnBatch(model, batch, objective, optimizer, vars, s)
  const t2 = performance.now()
  await step
  disposeBatch(batch)
  const c = process.cpuUsage(c0)
  if (s === 0) profile?.clear()
  if (s === 0) continue
  if (counter) counts.push(counter.take())
  times.push((performance.now() - t0) / 1000)
  cpu.push((c.user + c.system) / 1e6)
  prepareMs.push(t1 - t0)
  recordMs.push(t2 - t1)
}
const best = Math.min(...times)
const loopRate = gpuProfile ? null : await loopThroughput()
console.log(
  JSON.stringify({
    backend: choice.name,
    threads: choice.threads,
    ...(choice.adapter ? { adapter: choice.adapter } : {}),
    size,
    batch: batchSize,
    simclr,
    img_per_s: Number((batchSize / best).toFixed(2)),
    ...(loopRate ? { loop_img_per_s: Number(loopRate.toFixed(2)) } : {}),
    step_s: times.map((t) => Number(t.toFixed(3))),
    // The least of the steps, as for img_per_s: the host's cost with the least contention.
    host_ms: { prepare: Number(Math.min(...prepareMs).toFixed(1)), record: Number(Math.min(...recordMs).toFixed(1)) },
    ...(counts.length ? { per_step: perStep(counts) } : {}),
    // CPU seconds of the whole process per step: on a shared machine, wall time alone misleads.
    cpu_s: cpu.map((t) => Number(t.toFixed(2))),
    load: Number(os.loadavg()[0]!.toFixed(2)),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
)
if (profile) profile.report(steps)
if (gpuProfile) reportGpu(gpuTimes, steps)
if (counts.length) reportPrograms(counts)
process.exit(0)

/** train() over the `steps` batches once: images per second of its wall time (batches prepared, uploaded, queued a step ahead of their loss reads). */
async function loopThroughput(): Promise<number> {
  const t0 = performance.now()
  await train(model, source, { objective, epochs: 1, batchSize, seed: 1, trainIndices: images.map((_, i) => i), optimizer })
  return (steps * batchSize) / ((performance.now() - t0) / 1000)
}

function perStep(c: StepCounts[]): Record<string, number> {
  const mean = (f: (x: StepCounts) => number): number => Number((c.reduce((t, x) => t + f(x), 0) / c.length).toFixed(1))
  return { programs: mean((x) => x.programs), program_ms: Number(Math.min(...c.map((x) => x.programMs)).toFixed(1)), submits: mean((x) => x.submits), uploads: mean((x) => x.uploads), upload_mb: mean((x) => x.uploadBytes / 2 ** 20) }
}

/** stderr: the GPU programs of one step by kind, most first. */
function reportPrograms(c: StepCounts[]): void {
  const by = c[c.length - 1]!.byProgram
  console.error(`GPU programs per step by kind: ${[...by.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join(', ')}`)
}

/**
 * --profile on webgpu: tf.profile's GPU time per kernel (timestamp queries), summed over the timed
 * steps, by kernel name and by kernel + input shapes. Profiling adds a read-back per kernel: the
 * step times printed beside it are not the unprofiled ones.
 */
async function profileGpuStep(step: () => Promise<number>, into: Map<string, { ms: number; calls: number }>): Promise<void> {
  const info = await tf.profile(async () => {
    await step()
  })
  for (const k of info.kernels) {
    const ms = await k.kernelTimeMs
    if (typeof ms !== 'number') continue
    const shapes = k.inputShapes.map((sh) => sh?.join('x') ?? '-').join(' ')
    for (const key of [k.name, `  ${k.name} ${shapes}`]) {
      const e = into.get(key) ?? { ms: 0, calls: 0 }
      e.ms += ms
      e.calls += 1
      into.set(key, e)
    }
  }
}

function reportGpu(times: Map<string, { ms: number; calls: number }>, n: number): void {
  const all = [...times.entries()].filter(([k]) => !k.startsWith(' ')).reduce((t, [, e]) => t + e.ms, 0)
  console.error(`GPU kernel time per step: ${(all / n).toFixed(1)} ms (${times.size ? 'timestamp queries' : 'no timings: adapter lacks timestamp-query'})`)
  const rows = [...times.entries()].sort((a, b) => b[1].ms - a[1].ms).filter(([, e]) => e.ms / n >= 0.5)
  for (const [name, e] of rows) console.error(`${name.padEnd(24)} ${(e.ms / n).toFixed(2).padStart(9)} ms ${(e.calls / n).toFixed(0).padStart(5)} calls`)
}

/**
 * --profile: wraps every kernel of the backend with a timer. Times are self times (a composite's nested
 * kernels are charged to themselves), summed over the timed steps and printed per step to stderr.
 * Only meaningful for synchronous backends (wasm, cpu).
 */
function profileKernels(backendName: string): { clear(): void; report(steps: number): void } {
  const self = new Map<string, { ms: number; calls: number }>()
  const stack: number[] = []
  for (const k of tf.getKernelsForBackend(backendName)) {
    const inner = k.kernelFunc
    tf.unregisterKernel(k.kernelName, backendName)
    tf.registerKernel({
      ...k,
      kernelFunc: (args) => {
        stack.push(0)
        const t0 = performance.now()
        const out = inner(args)
        const total = performance.now() - t0
        const nested = stack.pop()!
        if (stack.length) stack[stack.length - 1]! += total
        const shapes = Object.values(args.inputs).map((t) => (t as tf.TensorInfo | undefined)?.shape.join('x') ?? '-').join(' ')
        for (const key of [k.kernelName, `  ${k.kernelName} ${shapes}`]) {
          const e = self.get(key) ?? { ms: 0, calls: 0 }
          e.ms += total - nested
          e.calls += 1
          self.set(key, e)
        }
        return out
      },
    })
  }
  return {
    clear: () => self.clear(),
    report: (n) => {
      const rows = [...self.entries()].sort((a, b) => b[1].ms - a[1].ms).filter(([, e]) => e.ms / n >= 5)
      const all = [...self.entries()].filter(([k]) => !k.startsWith(' ')).reduce((t, [, e]) => t + e.ms, 0)
      console.error(`kernel self time per step: ${(all / n).toFixed(0)} ms`)
      for (const [name, e] of rows) console.error(`${name.padEnd(24)} ${(e.ms / n).toFixed(1).padStart(8)} ms ${(e.calls / n).toFixed(0).padStart(5)} calls`)
    },
  }
}
