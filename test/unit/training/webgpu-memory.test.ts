// The batch check for webgpu: every tensor is one storage buffer, which the adapter caps.
import { describe, expect, it } from 'vitest'
import { largestTensorBytes, memoryProblem, type StepShape } from '../../../src/main/training/host/memory-estimate'

const finetune = (batchSize: number): StepShape => ({ kind: 'finetune', method: 'none', channels: [32, 64, 128, 256], batchSize, imageSize: 128, simclrSize: 64 })

describe('webgpu memory check', () => {
  it('sizes the largest tensor as the top decoder concatenation', () => {
    expect(largestTensorBytes(finetune(32))).toBe(32 * 128 * 128 * 64 * 4) // 128 MiB
    expect(largestTensorBytes({ ...finetune(32), kind: 'pretrain', method: 'simclr' })).toBe(2 * 32 * 64 * 64 * 32 * 4)
  })

  it('refuses a batch whose largest tensor exceeds the buffer cap, and names the batch that fits', () => {
    const cap = 128 * 1024 ** 2
    expect(memoryProblem(finetune(32), 'webgpu', cap)).toBeNull()
    expect(memoryProblem(finetune(256), 'webgpu', cap)).toMatch(/batch 256 makes a 1024 MiB tensor .* at most 128 MiB: use a batch of at most 32/)
  })

  it('cannot judge webgpu without the adapter limit', () => {
    expect(memoryProblem(finetune(4096), 'webgpu')).toBeNull()
  })
})
