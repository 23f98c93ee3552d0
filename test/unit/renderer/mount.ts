// Mounts a renderer component for a DOM test (happy-dom): a fresh root, pinia and scripted client per
// test, torn down when the test finishes; $ and get() find elements by data-testid in what is mounted.
import { onTestFinished } from 'vitest'
import { createApp, type App as VueApp, type Component } from 'vue'
import { createPinia, type Pinia } from 'pinia'
import { setApi } from '../../../src/renderer/src/api'
import { useDatasetStore } from '../../../src/renderer/src/stores/dataset'
import type { DatasetInfo } from '../../../src/shared/types/dataset'
import type { FakeApi } from './fake-api'

export interface MountOptions {
  api: FakeApi
  props?: Record<string, unknown>
  /** The open dataset, for views that read it from the dataset store. */
  dataset?: DatasetInfo
}

export interface Mounted {
  app: VueApp
  root: HTMLElement
  pinia: Pinia
}

let current: Mounted | null = null

/** Mounts `component`; call it inside a test or beforeEach (it registers its own teardown). */
export function mount(component: Component, { api, props, dataset }: MountOptions): Mounted {
  if (current) throw new Error('a component is still mounted: one mount per test')
  const root = document.createElement('div')
  document.body.append(root)
  setApi(api)
  const pinia = createPinia()
  const app = createApp(component, props).use(pinia)
  if (dataset) useDatasetStore(pinia).info = dataset
  app.mount(root)
  current = { app, root, pinia }
  onTestFinished(() => {
    app.unmount()
    root.remove()
    setApi(null)
    current = null
  })
  return current
}

function mountedRoot(): HTMLElement {
  if (!current) throw new Error('nothing is mounted')
  return current.root
}

/** The element with this data-testid in the mounted component, or null. */
export function $<T extends Element = HTMLElement>(testId: string): T | null {
  return mountedRoot().querySelector<T>(`[data-testid="${testId}"]`)
}

/** The element with this data-testid; a test that expects it fails here, by name, when it is missing. */
export function get<T extends Element = HTMLElement>(testId: string): T {
  const el = $<T>(testId)
  if (!el) throw new Error(`no element with data-testid="${testId}"`)
  return el
}

/** Sets an input's or select's value and sends the event v-model listens to. */
export function setValue(testId: string, value: string): void {
  const el = get<HTMLInputElement | HTMLSelectElement>(testId)
  el.value = value
  el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input'))
}
