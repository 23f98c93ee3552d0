// After its first step, a training step on webgpu compiles no shader, and after its second it holds no
// more GPU memory: the pipelines are cached by keys that do not change with the data, and every buffer
// comes back to tfjs's pool to be reused.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { adam } from '../../../src/main/training/worker/adam'
import { arraySource } from '../../../src/main/training/worker/data/source'
import { trainStep } from '../../../src/main/training/worker/loop'
import { buildSimclrModel } from '../../../src/main/training/worker/models/projection-head'
import { buildUnet } from '../../../src/main/training/worker/models/unet'
import type { Objective } from '../../../src/main/training/worker/objectives'
import { probeWebgpu, randomArray } from './helpers'

const probe = await probeWebgpu('webgpu steady-state tests')

interface Footprint {
  pipelines: number
  allocated: number
  used: number
  tensors: number
}

function footprint(): Footprint {
  const b = tf.backend() as unknown as { pipelineCache: Record<string, unknown>; bufferManager: { numBytesAllocated: number; numBytesUsed: number } }
  return { pipelines: Object.keys(b.pipelineCache).length, allocated: b.bufferManager.numBytesAllocated, used: b.bufferManager.numBytesUsed, tensors: tf.memory().numTensors }
}

async function stepsFootprints(objective: Objective): Promise<Footprint[]> {
  await tf.setBackend('webgpu')
  const channels = [4, 8]
  const unet = buildUnet({ inputSize: 16, channels, skips: true, outChannels: 3, outActivation: 'softmax' })
  const model = objective.kind === 'simclr' ? buildSimclrModel(unet, channels) : unet
  const pics = [0, 1, 2, 3].map((i) => Uint8Array.from(randomArray(16 * 16 * 3, 40 + i, 0, 255), Math.floor))
  const trimaps = [0, 1, 2, 3].map((i) => Uint8Array.from(randomArray(16 * 16, 50 + i, 0, 3.999), Math.floor))
  const src = arraySource(16, pics, trimaps)
  const opt = adam(1e-3)
  const vars = model.trainableWeights.map((v) => v.read() as tf.Variable)
  const out: Footprint[] = []
  // Different images and seeds each step (new crops and jitter for SimCLR), one batch size.
  for (let s = 0; s < 8; s++) {
    await trainStep(model, src, [s % 4, (s + 1) % 4], objective, opt, vars, s)
    out.push(footprint())
  }
  model.dispose()
  opt.dispose()
  return out
}

describe.skipIf(probe !== '')('training steps on webgpu', () => {
  for (const objective of [{ kind: 'segment' }, { kind: 'simclr', viewSize: 16 }] as Objective[]) {
    it(`compile nothing after the first and hold no more GPU memory after the second (${objective.kind})`, async () => {
      const [first, second, ...rest] = await stepsFootprints(objective)
      expect(first!.pipelines).toBeGreaterThan(10)
      expect(second!.pipelines).toBe(first!.pipelines)
      // The second step may still add a few small buffers to the pool (a few KB); none after it.
      for (const f of rest) expect(f).toEqual(second)
    })
  }
})
