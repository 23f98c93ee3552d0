import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../src/main/training/backend'
import { arraySource, makeBatch } from '../src/main/training/data/source'
import { buildUnet, PAPER_CHANNELS } from '../src/main/training/models/unet'
import { diceLoss } from '../src/main/training/losses/dice'
const size = Number(process.argv[2] ?? 64), B = Number(process.argv[3] ?? 32)
await selectBackend({ force: 'wasm', wasmThreads: 1 })
const images = Array.from({ length: B }, () => Uint8Array.from({ length: size * size * 3 }, () => Math.random() * 255))
const trimaps = Array.from({ length: B }, () => Uint8Array.from({ length: size * size }, () => 1 + Math.floor(Math.random() * 3)))
const batch = makeBatch(arraySource(size, images, trimaps), images.map((_, i) => i), true)
const model = buildUnet({ inputSize: size, channels: [...PAPER_CHANNELS], skips: true, outChannels: 3, outActivation: 'softmax' })
const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
const opt = tf.train.adam(1e-3)
async function cpu(name: string, f: () => Promise<void>) {
  await f()
  let best = 1e9
  for (let i = 0; i < 2; i++) { const c = process.cpuUsage(); await f(); const u = process.cpuUsage(c); best = Math.min(best, (u.user + u.system) / 1e6) }
  console.log(name, best.toFixed(2), 'cpu s')
}
await cpu('forward', async () => { const y = tf.tidy(() => diceLoss(batch.y!, model.apply(batch.x, { training: true }) as tf.Tensor4D)); await y.data(); y.dispose() })
await cpu('fwd+bwd', async () => { const g = tf.tidy(() => { const r = tf.variableGrads(() => diceLoss(batch.y!, model.apply(batch.x, { training: true }) as tf.Tensor4D), vars); return r.value }); await g.data(); g.dispose() })
await cpu('step', async () => { const l = tf.tidy(() => opt.minimize(() => diceLoss(batch.y!, model.apply(batch.x, { training: true }) as tf.Tensor4D), true, vars)!); await l.data(); l.dispose() })
console.log('rss MB', Math.round(process.resourceUsage().maxRSS / 1024))
process.exit(0)
