import * as tf from '@tensorflow/tfjs'
import { initWasm } from '../src/main/training/wasm-init'
await initWasm(1)
async function time(name: string, f: () => tf.Tensor, flops: number) {
  let best = 1e9
  for (let i = 0; i < 3; i++) { const t = performance.now(); const r = f(); await r.data(); best = Math.min(best, performance.now() - t); r.dispose() }
  console.log(name, best.toFixed(1), 'ms', (flops / best / 1e6).toFixed(2), 'GFLOP/s')
}
for (const [N, H, ci, co] of [[32, 64, 32, 64], [32, 32, 64, 128], [32, 128, 3, 32]]) {
  const x = tf.randomNormal([N, H, H, ci]) as tf.Tensor4D, dy = tf.randomNormal([N, H, H, co]) as tf.Tensor4D
  const fl = 2 * N * H * H * 9 * ci * co
  console.log('shape', N, H, ci, co)
  await time(' bpf composite', () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, ci, co] }) as tf.Tensor, fl)
  await time(' bpf per-tap matmul', () => tf.tidy(() => {
    const xp = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]])
    const xT = tf.transpose(xp, [3, 0, 1, 2])
    const d = dy.reshape([N * H * H, co])
    const taps = []
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) taps.push(tf.matMul(tf.slice(xT, [0, 0, a, b], [ci, N, H, H]).reshape([ci, N * H * H]), d))
    return tf.stack(taps).reshape([3, 3, ci, co])
  }), fl)
  const w = tf.randomNormal([3, 3, ci, co]) as tf.Tensor4D
  await time(' fwd conv', () => tf.conv2d(x, w, 1, 'same'), fl)
  await time(' bpi composite', () => tf.conv2dTranspose(dy, w, [N, H, H, ci], 1, 'same'), fl)
  tf.dispose([x, dy, w])
}
process.exit(0)
