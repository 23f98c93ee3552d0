// ipc.ts against a fake ipcMain: one handler per contract call, arguments validated before a service
// sees them, calls from any page but the app's own refused, events forwarded, in-flight calls awaited.
import type { IpcMainInvokeEvent } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { EventHub } from '../../../src/main/events'
import { bindIpc, type IpcMainLike } from '../../../src/main/ipc'
import { CHANNELS, type Api } from '../../../src/shared/api'
import { IPC_EVENT_CHANNEL } from '../../../src/shared/bridge'

const APP = 'file:///opt/wb/out/renderer/index.html'
type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown

function fakeIpc() {
  const handlers = new Map<string, Listener>()
  const ipc: IpcMainLike = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      handlers.set(channel, listener)
    },
    removeHandler: (channel) => void handlers.delete(channel),
  }
  const call = (channel: string, arg: unknown, frame: { url: string; parent: unknown } | null = { url: APP, parent: null }) =>
    handlers.get(channel)!({ senderFrame: frame } as unknown as IpcMainInvokeEvent, arg)
  return { ipc, handlers, call }
}

function setup(overrides: Partial<Api> = {}) {
  const services = { 'images:get': vi.fn(async ({ id }: { id: number }) => ({ id })), ...overrides }
  const fake = fakeIpc()
  const events = new EventHub()
  const sent: unknown[][] = []
  const wc = { isDestroyed: () => false, send: (...a: unknown[]) => sent.push(a) }
  const bound = bindIpc(services as unknown as Api, events, { ipc: fake.ipc, appUrl: APP, targets: () => [wc as never] })
  return { ...fake, services, events, sent, bound }
}

describe('bindIpc', () => {
  it('registers one handler per contract call and removes them all on unbind', () => {
    const { handlers, bound } = setup()
    expect([...handlers.keys()].sort()).toEqual([...CHANNELS].sort())
    bound.unbind()
    expect(handlers.size).toBe(0)
  })

  it('passes a valid argument from the app page to the service', async () => {
    const { call, services } = setup()
    expect(await call('images:get', { id: 3 })).toEqual({ ok: true, value: { id: 3 } })
    expect(services['images:get']).toHaveBeenCalledWith({ id: 3 })
  })

  it('answers BAD_INPUT naming the field, without calling the service', async () => {
    const { call, services } = setup()
    const r = (await call('images:get', { id: -1 })) as { ok: false; error: { code: string; message: string } }
    expect(r.ok).toBe(false)
    expect(r.error.code).toBe('BAD_INPUT')
    expect(r.error.message).toMatch(/images:get: id/)
    expect(services['images:get']).not.toHaveBeenCalled()
  })

  it.each([
    ['another page', { url: 'https://example.com/', parent: null }],
    ['another local file', { url: 'file:///tmp/evil.html', parent: null }],
    ['an iframe of the app page', { url: APP, parent: {} }],
    ['a frame that is gone', null],
  ])('refuses a call from %s with UNAUTHORIZED', async (_what, frame) => {
    const { call, services } = setup()
    const r = (await call('images:get', { id: 3 }, frame)) as { ok: false; error: { code: string } }
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })
    expect(services['images:get']).not.toHaveBeenCalled()
  })

  it('forwards events to the windows until unbound', () => {
    const { events, sent, bound } = setup()
    events.emit('labels:changed', { imageId: 1, label: null })
    bound.unbind()
    events.emit('labels:changed', { imageId: 2, label: null })
    expect(sent).toEqual([[IPC_EVENT_CHANNEL, 'labels:changed', { imageId: 1, label: null }]])
  })

  it('settled() waits for a call in flight (a save sent as the window closed)', async () => {
    let finish!: () => void
    const save = vi.fn(() => new Promise<void>((r) => (finish = r)))
    const { call, bound } = setup({ 'labels:revert': save as never })
    void call('labels:revert', { imageId: 1 })
    let done = false
    const settled = bound.settled().then(() => (done = true))
    await Promise.resolve()
    await Promise.resolve()
    expect(done).toBe(false)
    finish()
    await settled
    expect(done).toBe(true)
  })
})
