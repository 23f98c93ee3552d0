// The app served in web mode for one test file: a temp folder with a static page and a demo dataset
// (not opened), an AppContext on its own data folder, and the web server on a free port.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { type AppContext, createAppContext } from '../../src/main/app-context'
import { generateDemoDataset } from '../../src/main/dataset/demo/generate'
import { type RunningServer, startWebServer } from '../../src/main/web/server'

export interface WebApp {
  /** The temp folder: the demo dataset is at join(dir, 'pets'). */
  dir: string
  ctx: AppContext
  web: RunningServer
  /** The server's URL of a path. */
  at(path: string): string
}

/** Call at a test file's top level; the fields are set once its beforeAll has run. */
export function useWebApp(o: { prefix: string; token: string; seed: number }): WebApp {
  const app = { at: (path: string) => `http://127.0.0.1:${app.web.port}${path}` } as WebApp
  beforeAll(async () => {
    app.dir = mkdtempSync(join(tmpdir(), o.prefix))
    const staticDir = join(app.dir, 'static')
    mkdirSync(staticDir)
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>workbench</title>')
    await generateDemoDataset({ out: join(app.dir, 'pets'), perBreed: 1, seed: o.seed })
    app.ctx = createAppContext({ dataDir: join(app.dir, 'data'), mode: 'web' })
    app.web = await startWebServer({ handlers: app.ctx.handlers, events: app.ctx.events, media: app.ctx.media, staticDir, token: o.token })
  })
  afterAll(async () => {
    await app.web?.close()
    app.ctx?.close()
    if (app.dir) rmSync(app.dir, { recursive: true, force: true })
  })
  return app
}
