import * as tf from '@tensorflow/tfjs'
import { selectBackend } from '../src/main/training/backend'
import { arraySource, makeBatch } from '../src/main/training/data/source'
import { buildUnet, PAPER_CHANNELS } from '../src/main/training/models/unet'
import { diceLoss } from '../src/main/training/losses/dice'
const size = Number(process.argv[2] ?? 64), B = Number(process.argv[3] ?? 32)
await selectBackend({ force: 'wasm', wasmThreads: 1 })
const self = new Map<string, number>()
const stack: number[] = []
for (const k of tf.getKernelsForBackend('wasm')) {
  const f = k.kernelFunc
  tf.unregisterKernel(k.kernelName, 'wasm')
  tf.registerKernel({ ...k, setupFunc: undefined, kernelFunc: (args) => {
    stack.push(0); const t = performance.now(); const r = f(args); const dt = performance.now() - t; const child = stack.pop()!
    const key = k.kernelName + ' ' + JSON.stringify(Object.values(args.inputs).map((x) => (x as tf.TensorInfo | undefined)?.shape))
    self.set(key, (self.get(key) ?? 0) + dt - child); if (stack.length) stack[stack.length - 1] += dt
    return r } })
}
const images = Array.from({ length: B }, () => Uint8Array.from({ length: size * size * 3 }, () => Math.random() * 255))
const trimaps = Array.from({ length: B }, () => Uint8Array.from({ length: size * size }, () => 1 + Math.floor(Math.random() * 3)))
const batch = makeBatch(arraySource(size, images, trimaps), images.map((_, i) => i), true)
const model = buildUnet({ inputSize: size, channels: [...PAPER_CHANNELS], skips: true, outChannels: 3, outActivation: 'softmax' })
const vars = model.trainableWeights.map((w) => w.read() as tf.Variable)
const opt = tf.train.adam(1e-3)
const step = async () => { const l = tf.tidy(() => opt.minimize(() => diceLoss(batch.y!, model.apply(batch.x, { training: true }) as tf.Tensor4D), true, vars)!); await l.data(); l.dispose() }
await step(); self.clear(); await step()
const byName = new Map<string, number>()
for (const [k, v] of self) { const n = k.split(' ')[0]!; byName.set(n, (byName.get(n) ?? 0) + v) }
let tot = 0; for (const v of self.values()) tot += v
console.log('total', tot.toFixed(0))
console.log([...byName].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => `${v.toFixed(0)}ms ${k}`).join('\n'))
console.log('---')
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 22).map(([k, v]) => `${v.toFixed(0)}ms ${k}`).join('\n'))
process.exit(0)
