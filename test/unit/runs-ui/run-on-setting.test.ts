// @vitest-environment happy-dom
// The Train tab's "Run on" setting and the pool's workers: connecting to a pool lists its workers (host,
// backend, adapter, memory, what each trains), a Redis that does not answer is refused with the
// service's reason and the setting stays, switching back needs no URL; the queue names a run's worker.
import { describe, expect, it, vi } from 'vitest'
import QueueItem from '../../../src/renderer/src/components/runs/QueueItem.vue'
import RunOnSetting from '../../../src/renderer/src/components/runs/RunOnSetting.vue'
import { AppError } from '../../../src/shared/errors'
import type { PoolSetting, PoolWorkerInfo } from '../../../src/shared/types/pool'
import { fakeApi, settle } from '../renderer/fake-api'
import { $, get, mount, setValue } from '../renderer/mount'
import { run } from './fixtures'

const GiB = 1024 ** 3
const MASKED = 'redis://:***@queue-host:6379'

function worker(id: string, over: Partial<PoolWorkerInfo> = {}): PoolWorkerInfo {
  return {
    id, host: id.split('-')[0]!, backend: 'wasm', backendThreads: 4, adapter: null, freeMemoryBytes: 6 * GiB, totalMemoryBytes: 16 * GiB,
    concurrency: 1, running: [], seenAt: '2026-01-01T00:00:00Z', ...over,
  }
}

/** A fake service holding the setting; `refuse` makes pool:set fail as an unreachable Redis does. */
function service(start: PoolSetting, workers: PoolWorkerInfo[], refuse = false) {
  let setting = start
  return fakeApi({
    'pool:get': () => setting,
    'pool:set': ({ mode, redisUrl }) => {
      if (refuse) throw new AppError('BAD_INPUT', "cannot reach the worker pool's Redis at redis://:***@nowhere:6379: connect ECONNREFUSED")
      setting = { ...setting, mode, redisUrl: redisUrl ? MASKED : setting.redisUrl }
      return setting
    },
    // A copy per call, as over IPC or HTTP.
    'pool:workers': () => (setting.mode === 'pool' ? [...workers] : []),
    'runs:concurrency': () => ({ max: 1, limit: workers.length || 1, running: [] }),
  })
}

describe('RunOnSetting', () => {
  it('connects to a pool and lists its workers with what each trains', async () => {
    const gpu = worker('gpubox-41-a1b2c3', { backend: 'webgpu', backendThreads: 1, adapter: 'nvidia hopper — NVIDIA H200', running: [7] })
    const api = service({ mode: 'local', redisUrl: null, imagesFrom: 'http://app-host:5199' }, [gpu, worker('laptop-9-d4e5f6')])
    mount(RunOnSetting, { api })
    await settle()
    expect(get<HTMLInputElement>('run-on-local').checked).toBe(true)
    expect($('pool-workers')).toBeNull()
    setValue('run-on-url', 'redis://:s3cret@queue-host:6379')
    await settle()
    get('run-on-connect').click()
    await settle()
    expect(api.calls.find((c) => c.channel === 'pool:set')?.arg).toEqual({ mode: 'pool', redisUrl: 'redis://:s3cret@queue-host:6379' })
    expect(get<HTMLInputElement>('run-on-pool').checked).toBe(true)
    expect(get('run-on-current').textContent).toContain(MASKED)
    expect(get('run-on-images').textContent).toContain('fetch its images from http://app-host:5199')
    // The pool's workers bound the runs at a time from now on: the setting is read again.
    expect(api.calls.some((c) => c.channel === 'runs:concurrency')).toBe(true)
    const row = get(`pool-worker-${gpu.id}`).textContent!
    expect(row).toContain('gpubox')
    expect(row).toContain('webgpu on nvidia hopper — NVIDIA H200 (1 thread)')
    expect(row).toContain('6.0 GiB free of 16.0 GiB')
    expect(row).toContain('training #7')
    expect(get('pool-worker-laptop-9-d4e5f6').textContent).toContain('idle')
  })

  it('shows why an unreachable Redis was refused and stays on this machine', async () => {
    const api = service({ mode: 'local', redisUrl: null, imagesFrom: null }, [], true)
    mount(RunOnSetting, { api })
    await settle()
    setValue('run-on-url', 'redis://:s3cret@nowhere:6379')
    await settle()
    get('run-on-connect').click()
    await settle()
    expect(get('run-on-problem').textContent).toContain("cannot reach the worker pool's Redis at redis://:***@nowhere:6379")
    expect(get<HTMLInputElement>('run-on-local').checked).toBe(true)
    expect($('pool-workers')).toBeNull()
  })

  it('goes back to this machine without a URL, and tells how to start a worker when none is there', async () => {
    const api = service({ mode: 'pool', redisUrl: MASKED, imagesFrom: null }, [])
    mount(RunOnSetting, { api })
    await settle()
    expect(get('run-on-images').textContent).toContain('get the images through Redis')
    expect(get('pool-workers-none').textContent).toContain(`npm run worker -- --redis ${MASKED}`)
    get('run-on-local').click()
    await settle()
    expect(api.calls.filter((c) => c.channel === 'pool:set').map((c) => c.arg)).toEqual([{ mode: 'local' }])
    expect($('pool-workers')).toBeNull()
    expect($('run-on-current')).toBeNull()
  })
})

describe('PoolWorkers', () => {
  it('shows a worker that joins at the next reading, and reads the runs-at-a-time cap again', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const workers = [worker('a-1-aaaaaa')]
      const api = service({ mode: 'pool', redisUrl: MASKED, imagesFrom: null }, workers)
      mount(RunOnSetting, { api })
      await settle()
      expect($('pool-worker-b-2-bbbbbb')).toBeNull()
      const before = api.calls.filter((c) => c.channel === 'runs:concurrency').length
      workers.push(worker('b-2-bbbbbb'))
      vi.advanceTimersByTime(5000)
      await settle()
      expect(get('pool-worker-b-2-bbbbbb').textContent).toContain('idle')
      expect(api.calls.filter((c) => c.channel === 'runs:concurrency').length).toBe(before + 1)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('QueueItem on the pool', () => {
  it('names the worker training a run', () => {
    const r = run(3, { status: 'running', worker: 'gpubox-41-a1b2c3' })
    mount(QueueItem, { api: fakeApi({}), props: { run: r, canUp: false, canDown: false, stopping: false } })
    expect(get('queue-worker-3').textContent).toBe('on worker gpubox-41-a1b2c3')
  })
})
