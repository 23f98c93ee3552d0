import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../src/main/training/backend'
import { arraySource, makeBatch } from '../src/main/training/data/source'
import { stepOnBatch } from '../src/main/training/loop'
import { buildUnet, PAPER_CHANNELS } from '../src/main/training/models/unet'
const size = Number(process.argv[2] ?? 128), B = Number(process.argv[3] ?? 32)
await selectBackend({ force: 'wasm', wasmThreads: 2 })
const images = Array.from({ length: B }, () => Uint8Array.from({ length: size * size * 3 }, () => Math.random() * 255))
const trimaps = Array.from({ length: B }, () => Uint8Array.from({ length: size * size }, () => 1 + Math.floor(Math.random() * 3)))
const batch = makeBatch(arraySource(size, images, trimaps), images.map((_, i) => i), true)
const model = buildUnet({ inputSize: size, channels: [...PAPER_CHANNELS], skips: true, outChannels: 3, outActivation: 'softmax' })
const opt = tf.train.adam(1e-3)
const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
const info = await tf.profile(async () => { await stepOnBatch(model, batch, { kind: 'segment' }, opt, vars, 1) })
const heap = ((tf.backend() as any).wasm.HEAPU8 as Uint8Array).length
console.log('peak tensor MB', (info.peakBytes / 1e6).toFixed(0), 'wasm heap MB', (heap / 1e6).toFixed(0), 'rss MB', Math.round(process.resourceUsage().maxRSS / 1024), 'heapUsed MB', (process.memoryUsage().heapUsed / 1e6).toFixed(0))
process.exit(0)
