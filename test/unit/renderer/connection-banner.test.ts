// @vitest-environment happy-dom
// What a web-mode user sees when the server goes away and comes back: a banner, no stale training ETA,
// and, once reconnected, the dataset and runs read again; a changed token says to open the new URL.
import { describe, expect, it } from 'vitest'
import { h } from 'vue'
import ConnectionBanner from '../../../src/renderer/src/components/ConnectionBanner.vue'
import QueuePanel from '../../../src/renderer/src/components/runs/QueuePanel.vue'
import { AppError } from '../../../src/shared/errors'
import { ConnectionTracker } from '../../../src/renderer/src/api/connection'
import { useConnectionStore } from '../../../src/renderer/src/stores/connection'
import { useDatasetStore } from '../../../src/renderer/src/stores/dataset'
import { useErrorStore } from '../../../src/renderer/src/stores/errors'
import { useRunsStore } from '../../../src/renderer/src/stores/runs'
import { run } from '../runs-ui/fixtures'
import { dataset, fakeApi, settle } from './fake-api'
import { $, mount } from './mount'

const progress = { epoch: 2, epochs: 5, step: 3, stepsPerEpoch: 10, loss: 0.5, imgPerSec: 12, etaSeconds: 90 }

function setup() {
  const running = run(7, { status: 'running', progress })
  const api = fakeApi({
    'datasets:current': () => dataset({ name: 'read again' }),
    'runs:list': () => [run(7, { status: 'running', progress: { ...progress, epoch: 4 } })],
    'runs:concurrency': () => ({ max: 1, limit: 2, running: [7] }),
  })
  const tracker = new ConnectionTracker()
  api.connection = tracker
  const Page = { render: () => h('div', [h(ConnectionBanner), h(QueuePanel)]) }
  const { root, pinia } = mount(Page, { api, dataset: dataset() })
  const runs = useRunsStore(pinia)
  runs.datasetId = 1
  runs.runs = [running]
  useConnectionStore(pinia).start()
  tracker.streamOpened()
  return { api, tracker, root, pinia, runs }
}

describe('connection banner', () => {
  it('shows "Server unreachable" and no ETA while the server is gone, and re-reads state when it is back', async () => {
    const { api, tracker, root, pinia, runs } = setup()
    await settle()
    expect($('connection-banner')).toBeNull()
    expect(root.textContent).toMatch(/ETA \d/)

    tracker.streamLost()
    await settle()
    expect($('connection-banner')!.textContent).toContain('Server unreachable — reconnecting…')
    expect(runs.runs[0]!.progress).toBeNull()
    expect(root.textContent).not.toMatch(/ETA \d/)
    expect($('queue-stats-7')).toBeNull()

    useErrorStore(pinia).report('Could not load the runs', new AppError('IO_ERROR', 'Cannot reach the workbench server (runs:list): Failed to fetch'))
    const before = api.calls.length
    tracker.streamOpened()
    await settle()
    expect($('connection-banner')).toBeNull()
    expect(api.calls.slice(before).map((c) => c.channel).sort()).toEqual(['datasets:current', 'runs:concurrency', 'runs:list'])
    expect(useDatasetStore(pinia).info?.name).toBe('read again')
    expect(runs.runs[0]!.progress?.epoch).toBe(4)
    expect(useErrorStore(pinia).errors).toEqual([])
  })

  it('says to open the new URL when the server answers 401', async () => {
    const { tracker } = setup()
    tracker.callRefused()
    await settle()
    expect($('connection-banner')!.textContent).toContain("The server's token changed: open the new URL printed by the server.")
  })
})
