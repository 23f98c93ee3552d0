// The bindings' ordering of answers and events (src/main/call-order.ts): an event a call raises waits
// until the call's answer has gone out, progress events stream, events outside calls go out at once and
// every subscriber gets them in raising order; and ipc.ts applies it to Electron's replies.
import type { IpcMainInvokeEvent } from 'electron'
import { describe, expect, it } from 'vitest'
import { CallOrder } from '../../src/main/call-order'
import { EventHub } from '../../src/main/events'
import { bindIpc } from '../../src/main/ipc'
import type { Api } from '../../src/shared/api'

const turn = (): Promise<void> => new Promise((r) => setImmediate(r))

function world() {
  const order = new CallOrder()
  const events = new EventHub()
  const seen: string[] = []
  events.subscribe(order.ordered((name, payload) => seen.push(`${name} ${JSON.stringify(payload)}`)))
  return { order, events, seen }
}

describe('CallOrder', () => {
  it('publishes what a call raised after the turn in which it settled, and what others raised after it', async () => {
    const { order, events, seen } = world()
    const answered = order.run(async () => {
      events.emit('labels:changed', { imageId: 1, label: 'edited' })
      await new Promise((r) => setTimeout(r, 20))
      return 'answer'
    })
    await new Promise((r) => setTimeout(r, 5))
    // A training run's event, raised meanwhile outside any call, keeps its place behind the held one.
    events.emit('labels:changed', { imageId: 2, label: null })
    expect(seen).toEqual([])
    expect(await answered).toBe('answer')
    seen.push('answer')
    await turn()
    expect(seen).toEqual(['answer', 'labels:changed {"imageId":1,"label":"edited"}', 'labels:changed {"imageId":2,"label":null}'])
  })

  it("streams a call's progress while it runs, and publishes at once outside calls and after a call", async () => {
    const { order, events, seen } = world()
    let release = (): void => undefined
    const call = order.run(async () => {
      events.emit('runs:exportProgress', { runId: 1, split: 'all', dest: '/x', phase: 'predicting', done: 1, total: 2, error: null })
      await new Promise<void>((r) => (release = r))
    })
    expect(seen).toHaveLength(1)
    release()
    await call
    await turn()
    events.emit('labels:changed', { imageId: 3, label: null })
    expect(seen).toHaveLength(2)
  })

  it('answers an IPC call before the events it raised', async () => {
    const events = new EventHub()
    const sent: string[] = []
    const handlers = new Map<string, (e: IpcMainInvokeEvent, arg: unknown) => Promise<unknown>>()
    const services = {
      'labels:clear': async ({ imageId }: { imageId: number }) => (events.emit('labels:changed', { imageId, label: null }), { id: imageId }),
    }
    const wc = { isDestroyed: () => false, send: (_c: string, name: string) => sent.push(`event ${name}`) }
    const APP = 'file:///opt/wb/out/renderer/index.html'
    bindIpc(services as unknown as Api, events, {
      ipc: { handle: (c, l) => void handlers.set(c, l as never), removeHandler: () => undefined },
      appUrl: APP,
      targets: () => [wc as never],
    })
    // As Electron does: the reply goes out as soon as the handler's promise resolves.
    const reply = await handlers.get('labels:clear')!({ senderFrame: { url: APP, parent: null } } as unknown as IpcMainInvokeEvent, { imageId: 4 })
    sent.push(`reply ${JSON.stringify(reply)}`)
    await turn()
    expect(sent).toEqual(['reply {"ok":true,"value":{"id":4}}', 'event labels:changed'])
  })
})
