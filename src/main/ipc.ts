// Binds the contract to ipcMain (Electron only). Arguments are validated here as in web mode;
// results travel as { ok, value } | { ok: false, error } because invoke drops error classes.
import { ipcMain, type WebContents } from 'electron'
import { CHANNELS, parseArg, type Api, type Channel } from '../shared/api'
import { IPC_EVENT_CHANNEL } from '../shared/bridge'
import { toWireError } from '../shared/errors'
import type { EventHub } from './events'

async function invoke(handlers: Api, channel: Channel, raw: unknown) {
  try {
    const arg = parseArg(channel, raw)
    const handler = handlers[channel] as (a: typeof arg) => Promise<unknown>
    return { ok: true, value: await handler(arg) }
  } catch (err) {
    return { ok: false, error: toWireError(err) }
  }
}

export function bindIpc(handlers: Api, events: EventHub, targets: () => WebContents[]): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (_event, raw: unknown) => invoke(handlers, channel, raw))
  }
  const unsubscribe = events.subscribe((name, payload) => {
    for (const wc of targets()) if (!wc.isDestroyed()) wc.send(IPC_EVENT_CHANNEL, name, payload)
  })
  return () => {
    unsubscribe()
    for (const channel of CHANNELS) ipcMain.removeHandler(channel)
  }
}
