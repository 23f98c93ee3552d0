// Electron lifecycle and windows only; everything else is in services shared with web mode.
import { join } from 'node:path'
import { app, BrowserWindow, dialog, Menu, protocol, shell } from 'electron'
import { MEDIA_KINDS, type MediaKind, type PickKind } from '../shared/api'
import { MEDIA_PROTOCOL } from '../shared/bridge'
import { toWireError } from '../shared/errors'
import { createAppContext, type AppContext } from './app-context'
import { bindIpc } from './ipc'
import { buildMenu } from './menu'

protocol.registerSchemesAsPrivileged([
  { scheme: MEDIA_PROTOCOL, privileges: { standard: true, secure: true, supportFetchAPI: true } },
])

async function pick(kind: PickKind): Promise<string[] | null> {
  const result =
    kind === 'folder'
      ? await dialog.showOpenDialog({ title: 'Open an Oxford-IIIT Pet folder', properties: ['openDirectory'] })
      : await dialog.showOpenDialog({
          title: 'Select images.tar.gz and annotations.tar.gz',
          properties: ['openFile', 'multiSelections'],
          filters: [{ name: 'Archives', extensions: ['gz', 'tgz', 'tar'] }],
        })
  return result.canceled ? null : result.filePaths
}

function serveMedia(ctx: AppContext): void {
  protocol.handle(MEDIA_PROTOCOL, async (request) => {
    const url = new URL(request.url)
    const kind = url.hostname as MediaKind
    const id = Number(url.pathname.slice(1))
    if (!MEDIA_KINDS.includes(kind) || !Number.isInteger(id)) return new Response('not found', { status: 404 })
    try {
      const { bytes, mime } = await ctx.media(kind, id)
      return new Response(new Uint8Array(bytes), { headers: { 'content-type': mime } })
    } catch (err) {
      return new Response(toWireError(err).message, { status: 404 })
    }
  })
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'U-Net SSL Workbench',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  })
  // The app never navigates away; links open in the user's browser.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https:')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (e) => e.preventDefault())
  const devUrl = process.env['ELECTRON_RENDERER_URL']
  if (devUrl) void win.loadURL(devUrl)
  else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'))
  return win
}

void app.whenReady().then(() => {
  const ctx = createAppContext({ dataDir: app.getPath('userData'), mode: 'electron', pick })
  serveMedia(ctx)
  bindIpc(ctx.handlers, ctx.events, () => BrowserWindow.getAllWindows().map((w) => w.webContents))
  Menu.setApplicationMenu(
    buildMenu(ctx.handlers, ctx.events, (err) => dialog.showErrorBox('U-Net SSL Workbench', toWireError(err).message)),
  )
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
  app.on('will-quit', () => ctx.close())
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

