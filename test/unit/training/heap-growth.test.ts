// A heap kernel whose outputs grow the wasm heap: with one thread the heap's ArrayBuffer is replaced
// (the old one detached), so views taken before an allocation must not be used after it.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { useWasm } from './helpers'

const heap = (): ArrayBuffer => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer as ArrayBuffer

describe('heap kernels when an output grows the wasm heap', () => {
  it('a split whose outputs do not fit in the heap left after its input', async () => {
    await useWasm()
    // An input as large as the whole heap: its outputs, as large again, cannot fit without growing it.
    const n = Math.max(heap().byteLength / 4, 1 << 20)
    const x = tf.tidy(() => tf.range(0, n, 1, 'float32'))
    const before = heap()
    const [a, b] = tf.split(x, [n / 2, n / 2], 0)
    expect(heap()).not.toBe(before)
    const [ha, hb] = [await a!.data(), await b!.data()]
    expect([ha[0], ha[n / 2 - 1], hb[0], hb[n / 2 - 1]]).toEqual([0, n / 2 - 1, n / 2, n - 1])
    tf.dispose([x, a!, b!])
  })
})
