import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../src/main/training/backend'
import { arraySource, makeBatch } from '../src/main/training/data/source'
import { stepOnBatch } from '../src/main/training/loop'
import { buildUnet, PAPER_CHANNELS } from '../src/main/training/models/unet'
const size = Number(process.argv[2] ?? 64), B = Number(process.argv[3] ?? 16)
await selectBackend({ force: 'wasm', wasmThreads: 1 })
const images = Array.from({ length: B }, () => Uint8Array.from({ length: size * size * 3 }, () => Math.random() * 255))
const trimaps = Array.from({ length: B }, () => Uint8Array.from({ length: size * size }, () => 1 + Math.floor(Math.random() * 3)))
const batch = makeBatch(arraySource(size, images, trimaps), images.map((_, i) => i), true)
const model = buildUnet({ inputSize: size, channels: [...PAPER_CHANNELS], skips: true, outChannels: 3, outActivation: 'softmax' })
const opt = tf.train.adam(1e-3)
const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
await stepOnBatch(model, batch, { kind: 'segment' }, opt, vars, 0)
const c0 = process.cpuUsage()
const info = await tf.profile(async () => { await stepOnBatch(model, batch, { kind: 'segment' }, opt, vars, 1) })
const cu = process.cpuUsage(c0)
console.log('cpu s', (cu.user + cu.system) / 1e6, 'peakBytes', info.peakBytes / 1e6)
const agg = new Map<string, number>()
for (const k of info.kernels) {
  const key = k.name + ' ' + JSON.stringify(k.inputShapes)
  agg.set(key, (agg.get(key) ?? 0) + (k.kernelTimeMs as number))
}
const byName = new Map<string, number>()
for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + (k.kernelTimeMs as number))
console.log([...byName].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, v]) => `${v.toFixed(0)}ms ${k}`).join('\n'))
console.log('---')
console.log([...agg].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${v.toFixed(0)}ms ${k}`).join('\n'))
process.exit(0)
