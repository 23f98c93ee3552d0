// The GPU's errors are events that tfjs never looks at, and the work goes on with empty buffers: a run
// or a prediction that meets one fails with it instead of keeping what was computed.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src/shared/errors'
import { adam } from '../../../src/main/training/worker/adam'
import { arraySource } from '../../../src/main/training/worker/data/source'
import { recordGpuFault, throwOnGpuFault } from '../../../src/main/training/worker/gpu-faults'
import { train } from '../../../src/main/training/worker/loop'
import { buildUnet } from '../../../src/main/training/worker/models/unet'
import { predictClasses } from '../../../src/main/training/worker/predict'
import { probeWebgpu, randomArray } from './helpers'

const probe = await probeWebgpu('webgpu fault tests')

describe('a fault the GPU reported', () => {
  it('is thrown once, where it was found, with what to do about memory', () => {
    recordGpuFault('out of memory', 'Failed to allocate memory for buffer.\n - While calling CreateBuffer')
    recordGpuFault('a validation error', 'a consequence of the first')
    expect(() => throwOnGpuFault('by epoch 2, step 5')).toThrow(
      new AppError('INTERNAL', 'the GPU reported out of memory by epoch 2, step 5 (Failed to allocate memory for buffer.), so those results are not kept. A smaller batch needs less GPU memory.'),
    )
    expect(() => throwOnGpuFault('later')).not.toThrow()
  })
})

/** A tensor past the adapter's largest buffer: WebGPU refuses it with an event, tfjs goes on. */
function overflow(): void {
  const limit = (tf.backend() as unknown as { device: { limits: { maxBufferSize: number } } }).device.limits.maxBufferSize
  tf.tidy(() => tf.fill([Math.floor(limit / 4) + 16], 1).dispose())
}

const images = [0, 1, 2, 3].map((i) => Uint8Array.from(randomArray(16 * 16 * 3, 60 + i, 0, 255), Math.floor))
const trimaps = [0, 1, 2, 3].map((i) => Uint8Array.from(randomArray(16 * 16, 70 + i, 1, 3.999), Math.floor))

describe.skipIf(probe !== '')('on webgpu, a GPU error', () => {
  it('fails the run at the step that met it, and the next run trains', async () => {
    await tf.setBackend('webgpu')
    const model = buildUnet({ inputSize: 16, channels: [4, 8], skips: true, outChannels: 3, outActivation: 'softmax' })
    const cfg = { objective: { kind: 'segment' } as const, epochs: 2, batchSize: 1, seed: 1, trainIndices: [0, 1, 2, 3] }
    const steps: number[] = []
    const run = train(model, arraySource(16, images, trimaps), { ...cfg, optimizer: adam(1e-3) }, {
      onStep: (e) => {
        steps.push(e.step)
        if (e.epoch === 0 && e.step === 1) overflow()
      },
    })
    await expect(run).rejects.toThrow(/^the GPU reported a validation error by epoch 1, step [34] \(.*exceeds the max buffer size.*\), so those results are not kept\.$/)
    expect(steps).toEqual([0, 1])
    const again = await train(model, arraySource(16, images, trimaps), { ...cfg, epochs: 1, optimizer: adam(1e-3) })
    expect(again.epochsDone).toBe(1)
    model.dispose()
  })

  it('fails a prediction that met it', async () => {
    await tf.setBackend('webgpu')
    const model = buildUnet({ inputSize: 16, channels: [4, 8], skips: true, outChannels: 3, outActivation: 'softmax' })
    overflow()
    await expect(predictClasses(model, images.slice(0, 2))).rejects.toThrow(/^the GPU reported a validation error while predicting/)
    expect((await predictClasses(model, images.slice(0, 2))).classes).toHaveLength(2 * 16 * 16)
    model.dispose()
  })
})
