// The wasm kernel tests again with 2 XNNPACK threads (shared, growable memory, a worker pool), in a
// process of their own: the other files run them with the one thread of a 1-core machine.
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm'
import { expect, it } from 'vitest'
import { useWasm } from './helpers'
import './heap-growth.test'
import './heap-kernels.test'
import './kernels.test'

process.env.UNET_TEST_WASM_THREADS = '2'

it('runs these kernels on 2 wasm threads', async () => {
  await useWasm()
  expect(getThreadsCount()).toBe(2)
})
