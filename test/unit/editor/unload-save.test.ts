// The last edit before the page goes (reload, tab or window closed, tab hidden): Autosave.sendNow hands
// it over at once, the unload guard calls it and warns only when it could not be sent, and both
// clients send such a call on a path that outlives the page (keepalive fetch, IPC) or say they cannot.
import { describe, expect, it, vi } from 'vitest'
import { createHttpClient, KEEPALIVE_MAX_BYTES, type HttpEnv } from '../../../src/renderer/src/api/http-client'
import { createIpcClient } from '../../../src/renderer/src/api/ipc-client'
import { Autosave, type SaveState } from '../../../src/renderer/src/editor/autosave'
import { guardUnload } from '../../../src/renderer/src/editor/unload-guard'
import type { PreloadBridge } from '../../../src/shared/bridge'
import { encodeWire } from '../../../src/shared/wire'

function autosave(sendNow?: () => Promise<void> | null) {
  const states: SaveState[] = []
  const save = vi.fn(async () => {})
  const a = new Autosave({ delayMs: 800, save, sendNow, onState: (s) => states.push(s) })
  return { a, states, save }
}

describe('Autosave.sendNow', () => {
  it('sends the unsaved edit at once, once, instead of waiting for the timer', async () => {
    vi.useFakeTimers()
    try {
      let answer!: () => void
      const send = vi.fn(() => new Promise<void>((r) => (answer = r)))
      const { a, states, save } = autosave(send)
      expect(a.sendNow()).toBe(true)
      expect(send).not.toHaveBeenCalled() // nothing unsaved
      a.markDirty()
      expect(a.sendNow()).toBe(true)
      expect(a.sendNow()).toBe(true) // visibilitychange then pagehide: the same edit is not sent twice
      expect(send).toHaveBeenCalledTimes(1)
      answer()
      await vi.advanceTimersByTimeAsync(2000)
      expect(save).not.toHaveBeenCalled()
      expect(a.hasUnsaved).toBe(false)
      expect(states.at(-1)).toEqual({ kind: 'saved' })
    } finally {
      vi.useRealTimers()
    }
  })

  it('says false when the edit cannot be sent, and leaves it unsaved', () => {
    const { a } = autosave(() => null)
    a.markDirty()
    expect(a.sendNow()).toBe(false)
    expect(a.hasUnsaved).toBe(true)
    expect(autosave(undefined).a.sendNow()).toBe(true)
    const none = autosave(undefined).a
    none.markDirty()
    expect(none.sendNow()).toBe(false)
  })

  it('sends again after a send failed', async () => {
    const send = vi.fn(() => Promise.reject(new Error('offline')))
    const { a, states } = autosave(send)
    a.markDirty()
    a.sendNow()
    await new Promise((r) => setTimeout(r, 0))
    expect(states.at(-1)).toEqual({ kind: 'failed', reason: 'offline' })
    expect(send).toHaveBeenCalledTimes(1)
    a.sendNow()
    expect(send).toHaveBeenCalledTimes(2)
  })
})

function targets() {
  const win = new EventTarget()
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' })
  return { window: win, document: doc }
}
const beforeUnload = () => new Event('beforeunload', { cancelable: true })

describe('guardUnload', () => {
  it('sends on pagehide and when the page becomes hidden', () => {
    const t = targets()
    const send = vi.fn(() => true)
    guardUnload(t, send)
    t.document.dispatchEvent(new Event('visibilitychange'))
    expect(send).not.toHaveBeenCalled()
    t.document.visibilityState = 'hidden'
    t.document.dispatchEvent(new Event('visibilitychange'))
    t.window.dispatchEvent(new Event('pagehide'))
    expect(send).toHaveBeenCalledTimes(2)
  })

  it('lets the page go when the edit was sent, and warns when it could not be', () => {
    const t = targets()
    let sent = true
    const stop = guardUnload(t, () => sent)
    const ok = beforeUnload()
    t.window.dispatchEvent(ok)
    expect(ok.defaultPrevented).toBe(false)
    sent = false
    const warn = beforeUnload()
    t.window.dispatchEvent(warn)
    expect(warn.defaultPrevented).toBe(true)
    stop()
    const after = beforeUnload()
    t.window.dispatchEvent(after)
    expect(after.defaultPrevented).toBe(false)
  })
})

function httpEnv() {
  const sent: RequestInit[] = []
  const env: HttpEnv = {
    fetch: async (_input, init) => {
      sent.push(init ?? {})
      return new Response(encodeWire({ id: 5, label: 'edited' }))
    },
    location: { href: 'http://127.0.0.1:5199/?token=t' },
    history: { state: null, replaceState: () => {} },
    storage: { getItem: () => null, setItem: () => {} },
    EventSource: class {} as unknown as HttpEnv['EventSource'],
  }
  return { env, sent }
}

describe('sendOnUnload', () => {
  it('web: starts a keepalive request before returning and resolves with the answer', async () => {
    const { env, sent } = httpEnv()
    const api = createHttpClient(env)
    const trimap = { width: 100, height: 100, data: new Uint8Array(10_000).fill(2) }
    const answer = api.sendOnUnload!('labels:save', { imageId: 5, trimap })
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ method: 'POST', keepalive: true })
    await expect(answer).resolves.toMatchObject({ id: 5 })
    await api['labels:get']({ imageId: 5 })
    expect(sent[1]!.keepalive).toBeUndefined()
  })

  it("web: refuses (null, nothing sent) a body over keepalive's 64 KiB", () => {
    const { env, sent } = httpEnv()
    const api = createHttpClient(env)
    // Noise does not run-length encode, so it travels raw.
    const data = Uint8Array.from({ length: KEEPALIVE_MAX_BYTES + 1 }, (_, i) => 1 + ((i * 7919) % 3))
    expect(api.sendOnUnload!('labels:save', { imageId: 5, trimap: { width: data.length, height: 1, data } })).toBeNull()
    expect(sent).toHaveLength(0)
  })

  it('electron: posts the call to the main process before returning', async () => {
    const calls: unknown[] = []
    const bridge = {
      invoke: (channel: string, arg: unknown) => (calls.push([channel, arg]), Promise.resolve({ ok: true, value: null })),
      on: () => () => {},
      mediaUrl: () => '',
    } as unknown as PreloadBridge
    const sent = createIpcClient(bridge).sendOnUnload!('labels:clear', { imageId: 3 })
    expect(calls).toEqual([['labels:clear', { imageId: 3 }]])
    await expect(sent).resolves.toBeNull()
  })
})
