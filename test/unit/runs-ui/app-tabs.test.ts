// @vitest-environment happy-dom
// The app's view tabs: Browse, Train and Compare switch views (the latter two loaded on first use),
// with tab semantics and arrow-key movement.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import type { DatasetInfo } from '../../../src/shared/types/dataset'
import { dataset, facets, fakeApi, image, settle } from '../renderer/fake-api'
import { plan } from './fixtures'
import { $, mount } from '../renderer/mount'

vi.mock('vue-echarts', () => ({ default: defineComponent({ setup: () => () => h('div') }) }))
const { default: App } = await import('../../../src/renderer/src/App.vue')

let root: HTMLElement
const until = async (check: () => unknown) => {
  for (let i = 0; i < 250 && !check(); i++) await new Promise((r) => setTimeout(r, 20))
}

beforeEach(async () => {
  const current: DatasetInfo = dataset()
  const api = fakeApi({
    'app:info': () => ({ version: '0.1.0', mode: 'web', dataDir: '/d', canPickFiles: false }),
    'datasets:current': () => current,
    'images:list': () => [image(1)],
    'images:facets': () => facets(),
    'runs:list': () => [],
    'runs:plan': () => plan(),
  })
  root = mount(App, { api }).root
  await settle()
})

describe('view tabs', () => {
  it('starts on Browse and switches to Train and Compare', async () => {
    const tabs = [...root.querySelectorAll('[role="tablist"] [role="tab"]')]
    // The first three; other views (Review…) may follow.
    expect(tabs.slice(0, 3).map((t) => [t.textContent?.trim(), t.getAttribute('aria-selected')])).toEqual([
      ['Browse', 'true'],
      ['Train', 'false'],
      ['Compare', 'false'],
    ])
    expect(tabs.slice(3).every((t) => t.getAttribute('aria-selected') === 'false')).toBe(true)
    $<HTMLButtonElement>('tab-train')!.click()
    await until(() => $('training-view'))
    expect($('training-view')).not.toBeNull()
    expect($('tab-train')!.getAttribute('aria-selected')).toBe('true')
    expect(($('panel-browse') ?? document.getElementById('panel-browse'))!.style.display).toBe('none')
    $<HTMLButtonElement>('tab-compare')!.click()
    await until(() => $('compare-view'))
    expect($('compare-view')).not.toBeNull()
    expect($('training-view')).toBeNull()
  })

  it('moves between tabs with the arrow keys, wrapping around', async () => {
    const last = [...root.querySelectorAll('[role="tablist"] [role="tab"]')].at(-1)!
    $('tab-browse')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', bubbles: true }))
    await settle()
    expect(last.getAttribute('aria-selected')).toBe('true')
    expect(document.activeElement).toBe(last)
    // From the last tab, right wraps to Browse, and right again is Train.
    last.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }))
    await settle()
    expect($('tab-browse')!.getAttribute('aria-selected')).toBe('true')
    $('tab-browse')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }))
    await settle()
    expect($('tab-train')!.getAttribute('aria-selected')).toBe('true')
    expect(document.activeElement?.id).toBe('tab-train')
  })
})
