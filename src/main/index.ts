// Electron lifecycle and windows only; everything else is in services shared with web mode.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron'
import { MEDIA_KINDS, type MediaKind, type PickKind } from '../shared/api'
import { MEDIA_PROTOCOL } from '../shared/bridge'
import { toWireError } from '../shared/errors'
import { createAppContext, type AppContext } from './app-context'
import { bindIpc, type BoundIpc } from './ipc'
import { buildMenu } from './menu'
import { isAllowedExternalUrl, withCsp } from './window-policy'

const devUrl = process.env['ELECTRON_RENDERER_URL']
const indexHtml = join(import.meta.dirname, '../renderer/index.html')
/** What the window loads; IPC calls are accepted only from this page. */
const appUrl = devUrl || pathToFileURL(indexHtml).href
// A save the renderer sends as its window closes must land before the database closes.
const QUIT_WAIT_MS = 5000

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
  // The app never navigates away; the few pages it links to open in the user's browser.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternalUrl(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (e) => e.preventDefault())
  if (devUrl) void win.loadURL(devUrl)
  else void win.loadFile(indexHtml)
  return win
}

// The <meta> policy covers file:// pages, which webRequest does not see; the header covers the dev
// server and anything else the session loads.
function sendCsp(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCsp(details.responseHeaders) })
  })
}

// Quitting waits (bounded) for calls in flight, then closes the services once.
function closeOnQuit(ctx: AppContext, ipc: BoundIpc): void {
  let closed = false
  app.on('will-quit', (e) => {
    if (closed) return
    e.preventDefault()
    const timeout = new Promise<void>((done) => setTimeout(done, QUIT_WAIT_MS))
    void Promise.race([ipc.settled(), timeout]).then(() => {
      closed = true
      ctx.close()
      app.quit()
    })
  })
}

void app.whenReady().then(() => {
  const ctx = createAppContext({ dataDir: app.getPath('userData'), mode: 'electron', pick })
  serveMedia(ctx)
  sendCsp()
  const targets = () => BrowserWindow.getAllWindows().map((w) => w.webContents)
  const ipc = bindIpc(ctx.handlers, ctx.events, { ipc: ipcMain, appUrl, targets })
  Menu.setApplicationMenu(
    buildMenu(ctx.handlers, ctx.events, (err) => dialog.showErrorBox('U-Net SSL Workbench', toWireError(err).message)),
  )
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
  closeOnQuit(ctx, ipc)
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

