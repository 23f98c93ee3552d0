// Exposes the contract on window.workbench and nothing else (contextIsolation + sandbox).
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { Events, EventName } from '../shared/api'
import { IPC_EVENT_CHANNEL, MEDIA_PROTOCOL, type PreloadBridge } from '../shared/bridge'

const bridge: PreloadBridge = {
  invoke: (channel, arg) => ipcRenderer.invoke(channel, arg),
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
    const handler = (_e: IpcRendererEvent, name: EventName, payload: Events[E]) => {
      if (name === event) listener(payload)
    }
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler)
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler)
    }
  },
  mediaUrl: (kind, imageId) => `${MEDIA_PROTOCOL}://${kind}/${imageId}`,
}

contextBridge.exposeInMainWorld('workbench', bridge)
