// `npm run web`: serves the built renderer and the services on 127.0.0.1 for a browser, e.g. on a
// headless GPU box. Prints the URL with this start's token.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createAppContext } from '../app-context'
import { defaultDataDir } from '../paths'
import { newToken } from './auth'
import { startWebServer } from './server'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env['WORKBENCH_PORT'] ?? '5199' },
    'data-dir': { type: 'string' },
    token: { type: 'string' },
  },
})

const staticDir = fileURLToPath(new URL('../../../out/renderer', import.meta.url))
if (!existsSync(staticDir)) {
  console.error(`No built renderer at ${staticDir}: run "npm run build" first (npm run web does).`)
  process.exit(1)
}
const ctx = createAppContext({ dataDir: values['data-dir'] ?? defaultDataDir(), mode: 'web' })
const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535, not "${values.port}"`)
  process.exit(2)
}
const serverOptions = {
  handlers: ctx.handlers,
  events: ctx.events,
  media: ctx.media,
  staticDir,
  token: values.token ?? process.env['WORKBENCH_TOKEN'] ?? newToken(),
}
const server = await startWebServer({ ...serverOptions, port }).catch((err: NodeJS.ErrnoException) => {
  if (err.code !== 'EADDRINUSE') throw err
  // Another instance holds the port: take a free one rather than fail.
  console.log(`Port ${port} is in use; using a free port instead.`)
  return startWebServer({ ...serverOptions, port: 0 })
})
console.log(`U-Net SSL Workbench (web mode), data in ${ctx.paths.dataDir}`)
console.log(`Open ${server.url}`)

function shutdown(): void {
  void server.close().then(() => {
    ctx.close()
    process.exit(0)
  })
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
