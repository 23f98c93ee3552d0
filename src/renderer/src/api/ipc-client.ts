// Electron client: wraps the preload's window.workbench bridge. invoke() carries errors as data
// ({ ok: false, error }) because Electron drops error classes; here they become AppErrors again.
import type { ArgOf, Channel, ResultOf } from '../../../shared/api'
import type { InvokeResult, PreloadBridge } from '../../../shared/bridge'
import { AppError, fromWireError } from '../../../shared/errors'
import { buildCalls, type ApiClient, type Invoke } from './client'

export function createIpcClient(bridge: PreloadBridge): ApiClient {
  const invoke: Invoke = async <K extends Channel>(channel: K, arg: ArgOf<K>): Promise<ResultOf<K>> => {
    let result: InvokeResult<K>
    try {
      result = await bridge.invoke(channel, arg)
    } catch (err) {
      // A rejected invoke means the main process had no handler or crashed mid-call.
      const message = err instanceof Error ? err.message : String(err)
      throw new AppError('INTERNAL', `${channel}: ${message}`)
    }
    if (result.ok) return result.value
    throw fromWireError(result.error)
  }
  return {
    ...buildCalls(invoke),
    on: (event, listener) => bridge.on(event, listener),
    mediaUrl: (kind, imageId) => bridge.mediaUrl(kind, imageId),
    // The message is posted to the main process before invoke returns, so it outlives a reload or a
    // closing window; the main process finishes such calls before it quits.
    sendOnUnload: (channel, arg) => invoke(channel, arg),
    mode: 'electron',
  }
}
