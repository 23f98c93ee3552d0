// @vitest-environment happy-dom
// The plan panel: on webgpu it names the adapter and shows the GPU memory beside the buffer limit; a
// paper batch that planning lowered is said, never silent.
import { describe, expect, it } from 'vitest'
import PlanPanel from '../../../src/renderer/src/components/runs/PlanPanel.vue'
import { fakeApi } from '../renderer/fake-api'
import { $, mount } from '../renderer/mount'
import { plan } from './fixtures'

const MiB = 1024 ** 2
const GiB = 1024 ** 3

describe('PlanPanel', () => {
  it('names the webgpu adapter and the GPU memory of a step', () => {
    const finetune = plan({
      backend: {
        name: 'webgpu', threads: 1,
        attempts: [{ backend: 'tfjs-node-gpu', ok: false, reason: 'tfjs-node-gpu not installed' }, { backend: 'webgpu', ok: true, reason: 'Dawn on nvidia hopper (NVIDIA H200)' }],
        adapter: { vendor: 'nvidia', architecture: 'hopper', device: 'NVIDIA H200', description: '', software: false, maxBufferBytes: 2048 * MiB },
      },
      memory: { stepBytes: 2.5 * GiB, where: 'gpu', largestTensorBytes: 128 * MiB, maxBufferBytes: 2048 * MiB, maxBatch: 512 },
    })
    mount(PlanPanel, { api: fakeApi({}), props: { plan: { finetune, pretrain: null }, problems: [], planning: false } })
    expect($('plan-adapter')!.textContent).toBe('nvidia hopper (NVIDIA H200)')
    expect($('plan-memory')!.textContent).toBe('GPU ≈ 2.5 GiB per step; largest tensor 128 MiB of 2048 MiB per buffer; batch ≤ 512 fits')
    expect(document.body.textContent).toContain('tfjs-node-gpu skipped: tfjs-node-gpu not installed')
    expect($('plan-notes')).toBeNull()
  })

  it('says when the paper batch was lowered to what wasm holds, for each run', () => {
    const memory = { stepBytes: 3.5 * GiB, where: 'ram' as const, budgetBytes: 3.6 * GiB, maxBatch: 39 }
    const finetune = plan({ memory, notes: ['paper asks for 256, wasm holds at most 39: using 39'] })
    const pretrain = plan({ memory: { ...memory, maxBatch: 196 }, notes: ['paper asks for 384, wasm holds at most 196: using 196'] })
    mount(PlanPanel, { api: fakeApi({}), props: { plan: { finetune, pretrain }, problems: [], planning: false } })
    expect($('plan-adapter')).toBeNull()
    expect($('plan-memory')!.textContent).toBe('RAM ≈ 3.5 GiB per step of 3.6 GiB; batch ≤ 39 fits')
    expect([...$('plan-notes')!.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Pretraining: paper asks for 384, wasm holds at most 196: using 196',
      'Finetune: paper asks for 256, wasm holds at most 39: using 39',
    ])
  })
})
