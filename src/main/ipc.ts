// Binds the contract to ipcMain (Electron only). Arguments are validated here as in web mode;
// results travel as { ok, value } | { ok: false, error } because invoke drops error classes.
// Only type imports from electron: index.ts passes the real ipcMain, tests a fake.
import type { IpcMainInvokeEvent, WebContents } from 'electron'
import { CHANNELS, type Api, type Channel } from '../shared/api'
import { parseArg } from '../shared/api-schemas'
import { IPC_EVENT_CHANNEL } from '../shared/bridge'
import { AppError, toWireError } from '../shared/errors'
import { CallOrder } from './call-order'
import type { EventHub } from './events'
import { isTrustedSender } from './window-policy'

/** The part of Electron's ipcMain the binding uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void
  removeHandler(channel: string): void
}

export interface IpcBinding {
  ipc: IpcMainLike
  /** The URL the app's window loads (its file:// index.html or the dev server's URL). */
  appUrl: string
  /** Where events go: every window's webContents. */
  targets(): WebContents[]
}

/** The calling frame's URL when it is its window's main frame, else null (iframe, or frame gone). */
function mainFrameUrl(event: IpcMainInvokeEvent): string | null {
  const frame = event.senderFrame
  if (!frame || frame.parent !== null) return null
  return frame.url
}

async function invoke(handlers: Api, channel: Channel, event: IpcMainInvokeEvent, raw: unknown, appUrl: string) {
  try {
    // Read before any await: senderFrame is null once the frame has navigated away.
    if (!isTrustedSender(mainFrameUrl(event), appUrl)) {
      throw new AppError('UNAUTHORIZED', `${channel}: refused, the call did not come from the app's own page`)
    }
    const arg = parseArg(channel, raw)
    const handler = handlers[channel] as (a: typeof arg) => Promise<unknown>
    return { ok: true, value: await handler(arg) }
  } catch (err) {
    return { ok: false, error: toWireError(err) }
  }
}

export interface BoundIpc {
  /** Removes the handlers and stops forwarding events. */
  unbind(): void
  /** Resolves once no call is in flight (a save sent as the window closed must land before quitting). */
  settled(): Promise<void>
}

export function bindIpc(handlers: Api, events: EventHub, binding: IpcBinding): BoundIpc {
  const { ipc, appUrl, targets } = binding
  const inFlight = new Set<Promise<unknown>>()
  const order = new CallOrder()
  for (const channel of CHANNELS) {
    ipc.handle(channel, (event, raw: unknown) => {
      // Events the call raises reach the page after its answer (call-order.ts).
      const call = order.run(() => invoke(handlers, channel, event, raw, appUrl))
      inFlight.add(call)
      void call.finally(() => inFlight.delete(call))
      return call
    })
  }
  const unsubscribe = events.subscribe(
    order.ordered((name, payload) => {
      for (const wc of targets()) if (!wc.isDestroyed()) wc.send(IPC_EVENT_CHANNEL, name, payload)
    }),
  )
  return {
    unbind: () => {
      unsubscribe()
      for (const channel of CHANNELS) ipc.removeHandler(channel)
    },
    settled: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight])
    },
  }
}
