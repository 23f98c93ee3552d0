import * as tf from '@tensorflow/tfjs'
import { initWasm } from '../src/main/training/wasm-init'
await initWasm(1)
async function time(name: string, f: () => tf.Tensor, flops: number) {
  let best = 1e9
  for (let i = 0; i < 4; i++) { const t = performance.now(); const r = f(); await r.data(); best = Math.min(best, performance.now() - t); r.dispose() }
  console.log(name, best.toFixed(1), 'ms', (flops / best / 1e6).toFixed(2), 'GFLOP/s')
}
const a = tf.randomNormal([16384, 128]); const b = tf.randomNormal([128, 128])
await time('matMul 16384x128x128', () => tf.matMul(a, b), 2 * 16384 * 128 * 128)
const a4 = a.reshape([1, 128, 128, 128]); const f1 = b.reshape([1, 1, 128, 128]) as tf.Tensor4D
await time('conv1x1 same', () => tf.conv2d(a4 as tf.Tensor4D, f1, 1, 'valid'), 2 * 16384 * 128 * 128)
const x = tf.randomNormal([16, 64, 64, 32]) as tf.Tensor4D; const w = tf.randomNormal([2, 2, 32, 128]) as tf.Tensor4D
await time('conv k2s2', () => tf.conv2d(x, w, 2, 'valid'), 2 * 16 * 32 * 32 * 128 * 128)
await time('s2d+conv1x1', () => tf.tidy(() => {
  const s = x.reshape([16, 32, 2, 32, 2, 32]).transpose([0, 1, 3, 2, 4, 5]).reshape([16, 32, 32, 128])
  return tf.conv2d(s as tf.Tensor4D, w.reshape([1, 1, 128, 128]) as tf.Tensor4D, 1, 'valid')
}), 2 * 16 * 32 * 32 * 128 * 128)
await time('matMul transposeA [M,128]^T[M,128]', () => tf.matMul(a, a, true, false), 2 * 16384 * 128 * 128)
await time('transpose+matMul', () => tf.tidy(() => tf.matMul(tf.transpose(a), a)), 2 * 16384 * 128 * 128)
const at = tf.transpose(a)
await time('matMul [128,M]x[M,128]', () => tf.matMul(at, a), 2 * 16384 * 128 * 128)
await time('conv big-filter [128,1,M,1]?', () => tf.tidy(() => tf.conv2d(at.reshape([128, 1, 16384, 1]) as tf.Tensor4D, a.reshape([1, 16384, 1, 128]) as tf.Tensor4D, 1, 'valid')), 2 * 16384 * 128 * 128)
await time('conv [1,1,1,M]→ 1x1: batch=128?', () => tf.tidy(() => tf.conv2d(at.reshape([1, 1, 128, 16384]) as tf.Tensor4D, a.reshape([1, 1, 16384, 128]) as tf.Tensor4D, 1, 'valid')), 2 * 16384 * 128 * 128)
process.exit(0)
