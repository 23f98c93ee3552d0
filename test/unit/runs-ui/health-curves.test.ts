// @vitest-environment happy-dom
// SSL health in the Train tab: the per-epoch curve options (threshold line, collapsed epochs in red)
// and the collapse warning whose button stops the running pretraining.
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import type { LineSeriesOption } from 'echarts/charts'
import HealthCurves from '../../../src/renderer/src/components/runs/HealthCurves.vue'
import { healthCurveOption } from '../../../src/renderer/src/charts/options'
import type { SslHealth } from '../../../src/shared/training-protocol'
import type { EpochRecord } from '../../../src/shared/types/runs'
import { fakeApi, settle } from '../renderer/fake-api'
import { $, mount } from '../renderer/mount'
import { run } from './fixtures'

// No canvas in happy-dom: the chart is a plain element (its options are tested on their own).
vi.mock('vue-echarts', () => ({ default: defineComponent({ setup: () => () => h('div') }) }))

const health = (over: Partial<SslHealth> = {}): SslHealth => ({
  embeddingStd: 0.06, stdThreshold: 0.0088, deadChannels: 0.1, probe: 0.55, allSameLoss: 3.9719, collapsed: false, ...over,
})
const epochs: EpochRecord[] = [
  { epoch: 1, loss: 3.6, seconds: 10, metrics: null, health: health() },
  { epoch: 2, loss: 3.9718, seconds: 10, metrics: null, health: health({ embeddingStd: 0.0004, deadChannels: 163 / 256, probe: 0.2, collapsed: true }) },
]
const series = (o: ReturnType<typeof healthCurveOption>): LineSeriesOption[] => o.series as LineSeriesOption[]

describe('health curve options', () => {
  it('plots the std per epoch with its collapse threshold, collapsed epochs marked', () => {
    const [std, threshold] = series(healthCurveOption(epochs, 'embeddingStd'))
    expect(std!.data).toEqual([{ value: [1, 0.06] }, { value: [2, 0.0004], itemStyle: { color: '#d62728' }, symbolSize: 9 }])
    expect(threshold!.data).toEqual([[1, 0.0088], [2, 0.0088]])
  })

  it('plots dead channels and the probe on a 0–1 axis, skipping epochs without health', () => {
    const o = healthCurveOption([{ epoch: 1, loss: 1, seconds: 1, metrics: null, health: null }, ...epochs], 'deadChannels')
    expect(series(o)).toHaveLength(1)
    expect(series(o)[0]!.data!.map((d) => (d as { value: number[] }).value)).toEqual([[1, 0.1], [2, 163 / 256]])
    expect(o.yAxis).toMatchObject({ min: 0, max: 1 })
  })
})

describe('HealthCurves', () => {
  it('warns loudly on collapse, with the numbers, and stops the running run on request', async () => {
    const pre = run(7, { kind: 'pretrain', status: 'running', cfg: { kind: 'pretrain', method: 'simclr' } })
    const api = fakeApi({ 'runs:cancel': () => pre })
    mount(HealthCurves, { api, props: { run: pre, epochs } })
    await settle()
    const warning = $('collapse-warning')!
    expect(warning.getAttribute('role')).toBe('alert')
    expect(warning.textContent).toContain('Representation collapsed (epoch 2)')
    expect(warning.textContent).toContain('embedding std 0.0004 is below 0.0088')
    expect(warning.textContent).toContain('the loss 3.9718 is the value when every image gets the same projection (3.9719)')
    expect(warning.textContent).toContain('64% of bottleneck channels are dead')
    $<HTMLButtonElement>('stop-collapsed')!.click()
    await settle()
    expect(api.calls.filter((c) => c.channel === 'runs:cancel').map((c) => c.arg)).toEqual([{ id: 7 }])
  })

  it('shows no warning while healthy, and no stop button once the run ended', async () => {
    const pre = run(8, { kind: 'pretrain', status: 'done', cfg: { kind: 'pretrain', method: 'simclr' } })
    mount(HealthCurves, { api: fakeApi({}), props: { run: pre, epochs: epochs.slice(0, 1) } })
    await settle()
    expect($('collapse-warning')).toBeNull()
    expect($('ssl-health')!.textContent).toContain('SSL health')
  })
})
