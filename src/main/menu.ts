// The native menu: open a dataset folder or the two archives, open the demo. Electron only.
import { Menu, type MenuItemConstructorOptions } from 'electron'
import type { Api } from '../shared/api'
import type { EventHub } from './events'

export function buildMenu(handlers: Api, events: EventHub, onError: (err: unknown) => void): Menu {
  const announce = async () => {
    const current = await handlers['datasets:current']()
    if (current) events.emit('dataset:opened', current)
  }
  const run = (job: () => Promise<unknown>) => () => {
    job().then(announce).catch(onError)
  }
  const template: MenuItemConstructorOptions[] = [
    {
      label: 'File',
      submenu: [
        {
          label: 'Open Dataset Folder…',
          accelerator: 'CmdOrCtrl+O',
          click: run(async () => {
            const picked = await handlers['app:pick']({ kind: 'folder' })
            if (picked?.[0]) await handlers['datasets:open']({ path: picked[0] })
          }),
        },
        {
          label: 'Import Official Archives…',
          click: run(async () => {
            const picked = await handlers['app:pick']({ kind: 'archives' })
            if (picked?.length) await handlers['datasets:import']({ archives: picked })
          }),
        },
        { label: 'Open Demo Dataset', click: run(() => handlers['datasets:openDemo']()) },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ]
  return Menu.buildFromTemplate(template)
}
