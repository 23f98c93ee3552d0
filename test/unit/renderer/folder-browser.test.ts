// @vitest-environment happy-dom
// The folder browser: goes into folders and up, opens a dataset folder with one click, imports the two
// release archives of a folder with one click, and shows a refused path next to the list.
import { describe, expect, it } from 'vitest'
import FolderBrowser from '../../../src/renderer/src/components/FolderBrowser.vue'
import { AppError } from '../../../src/shared/errors'
import type { FolderListing } from '../../../src/shared/types/browse'
import type { IndexSummary } from '../../../src/shared/types/dataset'
import { dataset, fakeApi, settle } from './fake-api'
import { get, mount } from './mount'

const listings: Record<string, FolderListing> = {
  '/home/me': {
    path: '/home/me', parent: null, isDataset: false, roots: ['/home/me'], truncated: false,
    entries: [
      { name: 'downloads', kind: 'folder', isDataset: false },
      // A link that leads out of the roots since the listing was made: the server refuses it.
      { name: 'gone', kind: 'folder', isDataset: false },
      { name: 'pets', kind: 'folder', isDataset: true },
    ],
  },
  '/home/me/downloads': {
    path: '/home/me/downloads', parent: '/home/me', isDataset: false, roots: ['/home/me'], truncated: false,
    entries: [
      { name: 'annotations.tar.gz', kind: 'archive', isDataset: false },
      { name: 'images.tar', kind: 'archive', isDataset: false },
      { name: 'images.tar.gz', kind: 'archive', isDataset: false },
    ],
  },
}
const summary = { datasetId: 1, root: '/x', images: 1, labelled: 1, splits: { trainval: 1, test: 0, none: 0 }, skipped: [], broken: [], seconds: 1 } as IndexSummary

function setup() {
  const api = fakeApi({
    'fs:browse': ({ path }) => {
      const l = structuredClone(listings[path ?? '/home/me'])
      if (!l) throw new AppError('BAD_INPUT', `${path} is outside the folders you may browse (/home/me)`)
      return l
    },
    'datasets:open': () => summary,
    'datasets:import': () => summary,
    'datasets:current': () => dataset(),
  })
  const { root } = mount(FolderBrowser, { api })
  const byLabel = (label: string) => root.querySelector<HTMLButtonElement>(`button[aria-label="${label}"]`)!
  const byText = (text: string) => [...root.querySelectorAll('button')].find((b) => b.textContent?.trim().startsWith(text))
  return { api, root, byLabel, byText }
}

describe('FolderBrowser', () => {
  it('marks dataset folders and opens one with a click', async () => {
    const { api, byLabel } = setup()
    await settle()
    expect(get('browse-path').textContent).toBe('/home/me')
    expect(get('browse-entry-pets').textContent).toContain('dataset')
    expect(get('browse-entry-downloads').textContent).not.toContain('dataset')
    byLabel('Open pets').click()
    await settle()
    expect(api.calls.find((c) => c.channel === 'datasets:open')?.arg).toEqual({ path: '/home/me/pets' })
  })

  it('goes into a folder holding the archives and imports both (gzip preferred) with a click, then back up', async () => {
    const { api, byLabel, byText } = setup()
    await settle()
    expect(byLabel('Up one folder').disabled).toBe(true)
    byLabel('Go into downloads').click()
    await settle()
    expect(get('browse-path').textContent).toBe('/home/me/downloads')
    byText('Import images.tar.gz + annotations.tar.gz')!.click()
    await settle()
    expect(api.calls.find((c) => c.channel === 'datasets:import')?.arg).toEqual({
      archives: ['/home/me/downloads/images.tar.gz', '/home/me/downloads/annotations.tar.gz'],
    })
    byLabel('Up one folder').click()
    await settle()
    expect(get('browse-path').textContent).toBe('/home/me')
    expect(byText('Import')).toBeUndefined()
  })

  it('shows why a folder cannot be listed, next to the list', async () => {
    const { byLabel } = setup()
    await settle()
    byLabel('Go into gone').click()
    await settle()
    expect(get('browse-error').textContent).toBe('/home/me/gone is outside the folders you may browse (/home/me)')
    expect(get('browse-path').textContent).toBe('/home/me')
  })
})
