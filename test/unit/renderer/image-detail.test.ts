// @vitest-environment happy-dom
// The detail dialog: opened from a tile, shows facts and problems, overlays the trimap,
// steps through the filtered list, closes on Escape. (Canvas pixels are checked in Playwright.)
import { beforeEach, describe, expect, it } from 'vitest'
import BrowserView from '../../../src/renderer/src/views/BrowserView.vue'
import { useBrowserStore } from '../../../src/renderer/src/stores/browser'
import type { ImageDetail } from '../../../src/shared/types/dataset'
import { facets, fakeApi, image, settle, type FakeApi } from './fake-api'
import { mount } from './mount'

let root: HTMLElement
let api: FakeApi

function detail(id: number, over: Partial<ImageDetail> = {}): ImageDetail {
  return {
    ...image(id),
    datasetId: 1,
    file: `images/Abyssinian_${id}.jpg`,
    format: 'jpeg',
    breedId: 1,
    bytes: 20480,
    headBox: null,
    brokenReason: null,
    problems: [],
    labelUpdatedAt: null,
    hasOriginal: false,
    reviewDetail: null,
    ...over,
  }
}

beforeEach(async () => {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 1000 })
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 })
  api = fakeApi({
    'images:list': () => [image(1), image(2), image(3, { broken: true, label: null })],
    'images:facets': () => facets(),
    'images:get': ({ id }) =>
      id === 2
        ? detail(2, { format: 'png', problems: ['file is PNG but named .jpg'], headBox: { xmin: 10, ymin: 20, xmax: 110, ymax: 95 } })
        : id === 3
          ? detail(3, { broken: true, brokenReason: 'JPEG ends early (truncated file)', label: null })
          : detail(id),
    'labels:get': ({ imageId }) =>
      imageId === 3 ? null : { width: 4, height: 3, data: new Uint8Array([1, 1, 2, 2, 3, 3, 2, 2, 1, 1, 2, 2]) },
  })
  root = mount(BrowserView, { api }).root
  useBrowserStore().setDataset(1)
  await settle()
})

const dialog = () => root.querySelector('[role="dialog"]')
const button = (name: string) => [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === name)!

async function openTile(name: string): Promise<void> {
  root.querySelector<HTMLElement>(`[data-testid="tile"][data-image-name="${name}"]`)!.click()
  await settle()
}

describe('image detail', () => {
  it('shows the image large with its trimap overlay, facts and problems', async () => {
    await openTile('Abyssinian_2')
    const d = dialog()!
    expect(d.getAttribute('aria-modal')).toBe('true')
    expect(d.querySelector('h2')?.textContent).toBe('Abyssinian_2')
    expect(d.querySelector('img')?.getAttribute('src')).toBe('/media/image/2')
    const canvas = d.querySelector<HTMLCanvasElement>('[data-testid="trimap-overlay"]')!
    expect([canvas.width, canvas.height]).toEqual([4, 3])
    expect(d.querySelector('[data-testid="image-problems"]')?.textContent).toContain('file is PNG but named .jpg')
    const facts = d.textContent!.replace(/\s+/g, ' ')
    expect(facts).toContain('200 × 150 px')
    expect(facts).toContain('PNG')
    expect(facts).toContain('10, 20 – 110, 95')
    expect(facts).toContain('2 of 3')
    expect(api.calls.filter((c) => c.channel === 'labels:get').map((c) => c.arg)).toEqual([{ imageId: 2 }])
  })

  it('hides the overlay with "Show trimap" and has a labelled opacity slider', async () => {
    await openTile('Abyssinian_1')
    const show = root.querySelector<HTMLInputElement>('input[name="show-trimap"]')!
    expect(show.closest('label')?.textContent).toContain('Show trimap')
    expect(root.querySelector('input[name="overlay-opacity"]')!.closest('label')?.textContent).toContain('Overlay opacity')
    show.click()
    await settle()
    expect(root.querySelector('[data-testid="trimap-overlay"]')).toBeNull()
  })

  it('shows why a broken image is broken, instead of the image', async () => {
    await openTile('Abyssinian_3')
    expect(dialog()!.querySelector('img')).toBeNull()
    expect(dialog()!.querySelector('[data-testid="image-problems"]')?.textContent).toContain('JPEG ends early (truncated file)')
    expect(dialog()!.textContent).toContain('This image has no trimap.')
  })

  it('steps with Previous/Next and closes with Escape', async () => {
    await openTile('Abyssinian_1')
    expect(button('← Previous').disabled).toBe(true)
    button('Next →').click()
    await settle()
    expect(dialog()!.querySelector('h2')?.textContent).toBe('Abyssinian_2')
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight' }))
    await settle()
    expect(dialog()!.querySelector('h2')?.textContent).toBe('Abyssinian_3')
    expect(button('Next →').disabled).toBe(true)
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }))
    await settle()
    expect(dialog()).toBeNull()
    expect(useBrowserStore().selectedId).toBeNull()
  })
})
