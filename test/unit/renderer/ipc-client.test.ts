// The Electron client against a fake preload bridge: results, errors as data, events, media URLs.
import { describe, expect, it } from 'vitest'
import { CHANNELS, type Channel } from '../../../src/shared/api'
import type { InvokeResult, PreloadBridge } from '../../../src/shared/bridge'
import { AppError } from '../../../src/shared/errors'
import { createIpcClient } from '../../../src/renderer/src/api/ipc-client'

function bridge(answer: (channel: Channel, arg: unknown) => Promise<InvokeResult<Channel>>) {
  const calls: [Channel, unknown][] = []
  const subscribed: string[] = []
  const b: PreloadBridge = {
    invoke: (async (channel: Channel, arg: unknown) => {
      calls.push([channel, arg])
      return answer(channel, arg)
    }) as PreloadBridge['invoke'],
    on: (event) => {
      subscribed.push(event)
      return () => void subscribed.splice(subscribed.indexOf(event), 1)
    },
    mediaUrl: (kind, id) => `wb-media://${kind}/${id}`,
  }
  return { b, calls, subscribed }
}

describe('ipc client', () => {
  it('has one method per channel of the contract', () => {
    const api = createIpcClient(bridge(async () => ({ ok: true, value: null })).b)
    for (const c of CHANNELS) expect(typeof api[c]).toBe('function')
    expect(api.mode).toBe('electron')
  })

  it('resolves with the value and passes the argument through', async () => {
    const trimap = { width: 1, height: 2, data: new Uint8Array([1, 3]) }
    const t = bridge(async () => ({ ok: true, value: trimap }))
    const api = createIpcClient(t.b)
    await expect(api['labels:get']({ imageId: 4 })).resolves.toBe(trimap)
    expect(t.calls).toEqual([['labels:get', { imageId: 4 }]])
  })

  it('throws an AppError with the code and message carried as data', async () => {
    const t = bridge(async () => ({ ok: false, error: { code: 'BAD_ARCHIVE', message: 'x.tar.gz is neither tar nor gzip' } }))
    const err = await createIpcClient(t.b)['datasets:import']({ archives: ['x.tar.gz'] }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err).toMatchObject({ code: 'BAD_ARCHIVE', message: 'x.tar.gz is neither tar nor gzip' })
  })

  it('wraps a rejected invoke (no handler in main) as an INTERNAL AppError naming the channel', async () => {
    const t = bridge(() => Promise.reject(new Error("No handler registered for 'images:get'")))
    await expect(createIpcClient(t.b)['images:get']({ id: 1 })).rejects.toMatchObject({
      code: 'INTERNAL',
      message: "images:get: No handler registered for 'images:get'",
    })
  })

  it('delegates events and media URLs to the bridge', () => {
    const t = bridge(async () => ({ ok: true, value: null }))
    const api = createIpcClient(t.b)
    const off = api.on('dataset:progress', () => undefined)
    expect(t.subscribed).toEqual(['dataset:progress'])
    off()
    expect(t.subscribed).toEqual([])
    expect(api.mediaUrl('thumb', 9)).toBe('wb-media://thumb/9')
  })
})
