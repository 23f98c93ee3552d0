// A run's plan on webgpu and wasm: the adapter's buffer limit carried from the probe to the batch check,
// the memory estimate shown beside it, and the paper's batches lowered (out loud) where they do not fit.
import { describe, expect, it } from 'vitest'
import { planMemory } from '../../../src/main/services/run-plan'
import { probeReport } from '../../../src/main/training/host/worker-client'
import type { BackendReport } from '../../../src/shared/training-protocol'
import type { RunConfig } from '../../../src/shared/types/runs'

const MiB = 1024 ** 2
const h200 = { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: '', software: false, maxBufferBytes: 2048 * MiB }
/** An H200's report; maxBufferBytes null: an adapter that did not report its limit. */
const webgpu = (maxBufferBytes?: number | null): BackendReport => ({
  name: 'webgpu', threads: 1, attempts: [{ backend: 'tfjs-node-gpu', ok: false, reason: 'tfjs-node-gpu not installed' }, { backend: 'webgpu', ok: true, reason: 'Dawn on nvidia hopper' }],
  adapter: maxBufferBytes === null ? { ...h200, maxBufferBytes: undefined } : { ...h200, maxBufferBytes: maxBufferBytes ?? h200.maxBufferBytes },
})
const wasm: BackendReport = { name: 'wasm', threads: 2, attempts: [{ backend: 'wasm', ok: true, reason: 'XNNPACK with 2 thread(s)' }] }
const finetune = (over: Partial<RunConfig> = {}): RunConfig => ({
  kind: 'finetune', datasetId: 1, method: 'none', frozenEncoder: false, skips: true, epochs: 20, batchSize: 256, imageSize: 128, simclrSize: 64, learningRate: 1e-3, seed: 1, ...over,
})
const simclr = (over: Partial<RunConfig> = {}): RunConfig => finetune({ kind: 'pretrain', method: 'simclr', batchSize: 384, ...over })

function plan(config: RunConfig, backend: BackendReport) {
  const problems: string[] = []
  const notes: string[] = []
  const memory = planMemory(config, backend, problems, notes)
  return { memory, problems, notes, batch: config.batchSize }
}

describe('the plan on webgpu', () => {
  it("refuses a batch whose largest tensor exceeds the adapter's buffer, naming both sizes and the batch that fits", () => {
    const r = plan(finetune(), webgpu(512 * MiB))
    // The top decoder concatenation: 256 × 128² × 64 floats = 1024 MiB.
    expect(r.problems).toEqual(['batch 256 makes a 1024 MiB tensor but this GPU\'s buffers hold at most 512 MiB: use a batch of at most 128'])
    expect(r.memory).toMatchObject({ where: 'gpu', largestTensorBytes: 1024 * MiB, maxBufferBytes: 512 * MiB, maxBatch: 128 })
    expect(r.memory.budgetBytes).toBeUndefined()
  })

  it('holds the paper batches on an H200, with a GPU memory estimate', () => {
    for (const c of [finetune({ paperBatch: true }), simclr({ paperBatch: true })]) {
      const r = plan(c, webgpu())
      expect(r.problems).toEqual([])
      expect(r.notes).toEqual([])
      expect(r.batch).toBe(c.kind === 'pretrain' ? 384 : 256)
      expect(r.memory.stepBytes).toBeGreaterThan(r.memory.largestTensorBytes!)
    }
  })

  it('cannot judge the buffer without the adapter limit, and says nothing then', () => {
    const r = plan(finetune({ batchSize: 1024 }), webgpu(null))
    expect(r.problems).toEqual([])
    expect(r.memory.maxBatch).toBeUndefined()
  })
})

describe('the paper batches on wasm', () => {
  it('use the largest batch that fits, and say so', () => {
    const pre = plan(simclr({ paperBatch: true }), wasm)
    expect(pre.notes).toEqual([`paper asks for 384, wasm holds at most ${pre.batch}: using ${pre.batch}`])
    expect(pre.batch).toBeGreaterThan(32)
    expect(pre.batch).toBeLessThan(384)
    const fine = plan(finetune({ paperBatch: true }), wasm)
    expect(fine.notes).toEqual([`paper asks for 256, wasm holds at most ${fine.batch}: using ${fine.batch}`])
    expect(fine.problems).toEqual([])
    expect(fine.memory).toMatchObject({ where: 'ram', maxBatch: fine.batch })
    // One more image would not fit: it is the largest.
    expect(plan(finetune({ batchSize: fine.batch + 1 }), wasm).problems).toHaveLength(1)
  })

  it('a batch typed in by hand is never lowered: it is a problem', () => {
    const r = plan(finetune(), wasm)
    expect(r.batch).toBe(256)
    expect(r.notes).toEqual([])
    expect(r.problems.join()).toMatch(/batch 256 needs about .* use a batch of at most \d+/)
  })
})

describe('the probe report', () => {
  it('carries the adapter (named, with its buffer limit) and nothing else the worker sent', () => {
    const sent = { ...webgpu(), extra: 1, adapter: { ...h200, limits: {} } } as unknown as BackendReport
    expect(probeReport(sent)).toEqual(webgpu())
    expect(probeReport(wasm)).toEqual(wasm)
  })
})
