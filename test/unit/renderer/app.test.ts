// @vitest-environment happy-dom
// The app shell in a DOM: first start opens the demo, the grid renders only visible rows,
// filters send queries, every control has an accessible name, errors and progress are shown.
import { beforeEach, describe, expect, it } from 'vitest'
import App from '../../../src/renderer/src/App.vue'
import type { ImageQueryArgs } from '../../../src/shared/api'
import { AppError } from '../../../src/shared/errors'
import type { DatasetInfo, IndexSummary } from '../../../src/shared/types/dataset'
import { dataset, facets, fakeApi, image, settle, type FakeApi, type Handlers } from './fake-api'
import { mount } from './mount'

const SUMMARY: IndexSummary = {
  datasetId: 1,
  root: '/demo',
  images: 7390,
  labelled: 7390,
  splits: { trainval: 3680, test: 3669, none: 41 },
  skipped: [],
  broken: [],
  seconds: 1,
}
const MANY = Array.from({ length: 7390 }, (_, i) => image(i + 1))

let root: HTMLElement

// happy-dom lays nothing out: give every element a viewport-sized box so the virtualizer has a window.
const sizes = { clientWidth: 1000, clientHeight: 600 }
beforeEach(() => {
  for (const [prop, value] of Object.entries(sizes)) {
    Object.defineProperty(HTMLElement.prototype, prop, { configurable: true, get: () => value })
  }
})

function handlers(over: Handlers = {}): Handlers {
  let current: DatasetInfo | null = null
  return {
    'app:info': () => ({ version: '0.1.0', mode: 'web', dataDir: '/d', canPickFiles: false }),
    'datasets:current': () => current,
    'datasets:openDemo': () => {
      current = dataset({ name: 'Demo pets', isDemo: true, imageCount: 7390, labelledCount: 7390, brokenCount: 0 })
      return SUMMARY
    },
    'images:list': (q) => (q.species === 'dog' ? [image(9, { name: 'beagle_9', species: 'dog' })] : MANY),
    'images:facets': () => facets(),
    ...over,
  }
}

async function mountApp(api: FakeApi): Promise<void> {
  root = mount(App, { api }).root
  await settle()
}

const text = () => root.textContent?.replace(/\s+/g, ' ') ?? ''

/** The accessible name a screen reader would announce, by the usual sources, or '' if none. */
function accessibleName(el: Element): string {
  const aria = el.getAttribute('aria-label')
  if (aria) return aria
  const labelled = el.getAttribute('aria-labelledby')
  if (labelled) return document.getElementById(labelled)?.textContent?.trim() ?? ''
  const label = el.closest('label') ?? (el.id ? root.querySelector(`label[for="${el.id}"]`) : null)
  if (label) return label.textContent?.trim() ?? ''
  return el.tagName === 'BUTTON' ? (el.textContent?.trim() ?? '') : ''
}

describe('App', () => {
  it('opens the demo on a first start and shows its name, counts and the image count', async () => {
    const api = fakeApi(handlers())
    await mountApp(api)
    expect(api.calls.map((c) => c.channel)).toContain('datasets:openDemo')
    expect(text()).toContain('Demo pets')
    expect(text()).toContain(`${(7390).toLocaleString()} images`)
    expect(root.querySelector('[data-testid="image-count"]')?.textContent).toBe(`${(7390).toLocaleString()} images`)
  })

  it('puts only the visible rows of 7,390 images in the DOM', async () => {
    await mountApp(fakeApi(handlers()))
    const tiles = root.querySelectorAll('[data-testid="tile"]')
    // 1000 px wide → 6 columns; 600 px tall → ~4 rows visible plus overscan.
    expect(tiles.length).toBeGreaterThan(0)
    expect(tiles.length).toBeLessThanOrEqual(6 * 12)
    const first = tiles[0] as HTMLElement
    expect(first.dataset.imageName).toBe('Abyssinian_1')
    const img = first.querySelector('img')!
    expect(img.getAttribute('loading')).toBe('lazy')
    expect(img.getAttribute('src')).toBe('/media/thumb/1')
    expect(img.getAttribute('alt')).toBe('Abyssinian_1')
  })

  it('sends a filter choice as a query and gives every control an accessible name', async () => {
    const api = fakeApi(handlers())
    await mountApp(api)
    const dogs = [...root.querySelectorAll<HTMLInputElement>('input[name="species"]')].find((i) => i.value === 'dog')!
    dogs.click()
    await settle()
    const last = api.calls.filter((c) => c.channel === 'images:list').at(-1)?.arg as ImageQueryArgs
    expect(last).toEqual({ datasetId: 1, species: 'dog' })
    expect(root.querySelector('[data-testid="image-count"]')?.textContent).toBe('1 image')
    const unnamed = [...root.querySelectorAll('button, input, select, [role="region"], [role="progressbar"]')].filter(
      (el) => accessibleName(el) === '',
    )
    expect(unnamed.map((el) => el.outerHTML.slice(0, 80))).toEqual([])
    const breed = root.querySelector('select[name="breed"]')!
    expect(accessibleName(breed)).toMatch(/^Breed/)
    expect(breed.textContent).toContain('american bulldog (1)')
  })

  it('in web mode asks for a server path, shows progress while opening, and the service error', async () => {
    let fail: (e: Error) => void = () => undefined
    const api = fakeApi(
      handlers({ 'datasets:open': () => new Promise<IndexSummary>((_r, reject) => (fail = reject)) }),
    )
    await mountApp(api)
    const openFolder = [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Open folder…')!
    openFolder.click()
    await settle()
    const input = root.querySelector<HTMLInputElement>('input[name="folder"]')!
    expect(accessibleName(input)).toContain('Dataset folder on the server')
    input.value = '/srv/not-pets'
    input.dispatchEvent(new Event('input'))
    await settle()
    root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }))
    await settle()
    expect(api.calls.find((c) => c.channel === 'datasets:open')?.arg).toEqual({ path: '/srv/not-pets' })
    api.emit('dataset:progress', { phase: 'index', done: 30, total: 120, message: '' })
    await settle()
    const bar = root.querySelector('[role="progressbar"]')!
    expect(bar.getAttribute('aria-valuenow')).toBe('30')
    expect(bar.getAttribute('aria-valuemax')).toBe('120')
    expect(text()).toContain('Indexing images')
    fail(new AppError('NOT_A_DATASET', '/srv/not-pets: annotations/list.txt is missing'))
    await settle()
    expect(root.querySelector('[role="progressbar"]')).toBeNull()
    const alert = root.querySelector('[role="alert"]')!
    expect(alert.textContent).toContain('/srv/not-pets: annotations/list.txt is missing')
    // The form stays, so the path can be corrected.
    expect(root.querySelector('input[name="folder"]')).not.toBeNull()
  })
})
