// @vitest-environment happy-dom
// The export/import panel in web mode: a typed server path becomes the export's parent folder, the table
// downloads as a Blob of the shown runs, unfinished runs cannot be exported, errors reach the error store.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Pinia } from 'pinia'
import RunExport from '../../../src/renderer/src/components/runs/RunExport.vue'
import { useErrorStore } from '../../../src/renderer/src/stores/errors'
import { AppError } from '../../../src/shared/errors'
import type { RunSummary } from '../../../src/shared/types/runs'
import { fakeApi, settle, type FakeApi } from '../renderer/fake-api'
import { run } from './fixtures'
import { get as $, mount, setValue } from '../renderer/mount'

let root: HTMLElement
let api: FakeApi
let pinia: Pinia

function show(selected: RunSummary[], shown: RunSummary[]): void {
  const view = mount(RunExport, { api, props: { selected, shown, datasetId: 1 } })
  root = view.root
  pinia = view.pinia
}

const typePath = (p: string) => setValue('export-path', p)

beforeEach(() => {
  api = fakeApi({
    'runs:export': ({ dest }) => ({ dir: dest }),
    'runs:exportTable': ({ format }) => ({ text: 'id\r\n', mime: format === 'csv' ? 'text/csv' : 'application/json' }),
    'runs:exportPredictions': ({ dest }) => ({ dir: dest, count: 7 }),
    'runs:import': () => {
      throw new AppError('PARSE_ERROR', 'config.json in /x is not what an exported run holds')
    },
  })
})

afterEach(() => {
  vi.restoreAllMocks()
})

describe('RunExport', () => {
  it('exports the selected run and its predictions into new folders under the typed server path', async () => {
    show([run(5)], [run(5), run(6)])
    typePath('/srv/exports/')
    $('export-run').click()
    await settle()
    expect(api.calls.at(-1)).toEqual({ channel: 'runs:export', arg: { id: 5, dest: '/srv/exports/run-5' } })
    expect($('export-message').textContent).toBe('Run #5 exported to /srv/exports/run-5')
    setValue('predict-split', 'all')
    $('export-predictions').click()
    await settle()
    expect(api.calls.at(-1)).toEqual({ channel: 'runs:exportPredictions', arg: { id: 5, split: 'all', dest: '/srv/exports/run-5-trimaps-all' } })
    expect($('export-message').textContent).toMatch(/^7 predicted trimaps written/)
  })

  it('downloads the shown runs as CSV through a Blob URL', async () => {
    const created = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:runs')
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    show([], [run(6), run(5)])
    $('export-csv').click()
    await settle()
    expect(api.calls.at(-1)).toEqual({ channel: 'runs:exportTable', arg: { ids: [6, 5], format: 'csv' } })
    expect((created.mock.calls[0]![0] as Blob).type).toBe('text/csv')
    expect(clicked).toHaveBeenCalledTimes(1)
    expect((clicked.mock.contexts[0] as HTMLAnchorElement).download).toBe('runs.csv')
  })

  it('refuses unfinished runs in the UI and reports a refused import with its reason', async () => {
    show([run(7, { status: 'running' })], [])
    expect($<HTMLButtonElement>('export-run').disabled).toBe(true)
    expect(root.textContent).toMatch(/Run #7 is running: only finished runs can be exported/)
    $('import-run').click()
    await settle()
    expect(useErrorStore(pinia).errors.at(-1)).toMatchObject({ context: 'Could not import the run', message: 'Type a folder path on the server first' })
    typePath('/srv/in')
    $('import-run').click()
    await settle()
    expect(api.calls.at(-1)).toEqual({ channel: 'runs:import', arg: { path: '/srv/in', datasetId: 1 } })
    expect(useErrorStore(pinia).errors.at(-1)).toMatchObject({ code: 'PARSE_ERROR', message: expect.stringMatching(/config\.json in \/x/) })
  })
})
