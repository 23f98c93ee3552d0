// What a worker checks before it takes a job on: the run's backend loads here, and a training step
// fits that backend's memory and this machine's free memory; each refusal says why in numbers.
import { describe, expect, it } from 'vitest'
import { type FitCheck, whyCannotTrain } from '../../../src/main/pool/fit-check'
import type { PoolJob } from '../../../src/main/pool/protocol'
import type { BackendName, BackendReport } from '../../../src/shared/training-protocol'

const GIB = 1024 ** 3
const wasm: BackendReport = {
  name: 'wasm',
  threads: 2,
  attempts: [
    { backend: 'tfjs-node-gpu', ok: false, reason: 'tfjs-node-gpu not installed' },
    { backend: 'wasm', ok: true, reason: 'loaded' },
  ],
}

function fit(over: Partial<FitCheck> = {}): FitCheck & { probed: BackendName[] } {
  const probed: BackendName[] = []
  return {
    best: wasm,
    freeBytes: () => 16 * GIB,
    probe: async (name) => {
      probed.push(name)
      return { name, threads: 1, attempts: [{ backend: name, ok: true, reason: 'loaded' }] }
    },
    probed,
    ...over,
  }
}

const job = (over: Partial<PoolJob['job']> = {}, size = 64, batchSize = 8): PoolJob['job'] =>
  ({
    runId: '1', phase: 'finetune', method: 'none', model: { inputSize: size, channels: [16, 32, 64, 128], skips: true, frozenEncoder: false },
    epochs: 1, batchSize, learningRate: 0.001, seed: 1, trainIndices: [0], evalIndices: [], keep: 'last', ...over,
  }) as PoolJob['job']

describe('whyCannotTrain', () => {
  it('takes a run that fits on its best backend', async () => {
    expect(await whyCannotTrain(fit(), job())).toBeNull()
  })

  it('refuses a batch larger than the backend can hold, naming the largest that fits', async () => {
    const why = await whyCannotTrain(fit(), job({}, 256, 256))
    expect(why).toMatch(/^batch 256 needs about [\d.]+ GiB per training step but the wasm backend has about 3\.6 GiB: use a batch of at most \d+/)
  })

  it("refuses a step larger than this machine's free memory", async () => {
    const why = await whyCannotTrain(fit({ freeBytes: () => 0.01 * GIB }), job())
    expect(why).toMatch(/^batch 8 needs about [\d.]+ GiB per training step but this machine has 0\.0 GiB free$/)
  })

  it('refuses a backend the probe already failed, with its reason, without probing again', async () => {
    const f = fit()
    const why = await whyCannotTrain(f, job({ backend: 'tfjs-node-gpu' }))
    expect(why).toBe('the run asks for the tfjs-node-gpu backend, which does not load here: tfjs-node-gpu not installed')
    expect(f.probed).toEqual([])
  })

  it('probes a backend the best one was chosen before, and refuses it when it does not load', async () => {
    const ok = fit()
    expect(await whyCannotTrain(ok, job({ backend: 'cpu' }))).toBeNull()
    expect(ok.probed).toEqual(['cpu'])
    const broken = fit({ probe: () => Promise.reject(new Error('no cpu backend in this build')) })
    expect(await whyCannotTrain(broken, job({ backend: 'cpu' }))).toBe('the run asks for the cpu backend, which does not load here: no cpu backend in this build')
  })
})
