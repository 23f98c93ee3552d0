// `npm run web`: serves the built renderer and the services on 127.0.0.1 for a browser, e.g. on a
// headless GPU box. Prints the URL with the token (kept in the data folder across restarts). Pool
// workers fetch runs' images from it (web/pool-data.ts): --host binds where workers on other machines
// reach it, --pool-url is the URL they use.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createAppContext } from '../app-context'
import { defaultDataDir } from '../paths'
import { appUrlSchema } from '../pool/protocol'
import { poolTokenOf } from './pool-data'
import { startWebServer } from './server'
import { storedToken } from './token-file'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env['WORKBENCH_PORT'] ?? '5199' },
    host: { type: 'string', default: '127.0.0.1' },
    'pool-url': { type: 'string' },
    'data-dir': { type: 'string' },
    token: { type: 'string' },
    'new-token': { type: 'boolean', default: false },
    'browse-root': { type: 'string', multiple: true },
  },
})

const staticDir = fileURLToPath(new URL('../../../out/renderer', import.meta.url))
if (!existsSync(staticDir)) {
  console.error(`No built renderer at ${staticDir}: run "npm run build" first (npm run web does).`)
  process.exit(1)
}
const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a whole number from 0 to 65535, not "${values.port}"`)
  process.exit(2)
}
const poolUrl = values['pool-url']
if (poolUrl !== undefined && !appUrlSchema.safeParse(poolUrl).success) {
  console.error(`--pool-url must be an http:// or https:// URL that pool workers reach this server at, not "${poolUrl}"`)
  process.exit(2)
}
const dataDir = values['data-dir'] ?? defaultDataDir()
const browseRoots = values['browse-root']?.length ? values['browse-root'] : undefined
const ctx = createAppContext({ dataDir, mode: 'web', ...(browseRoots ? { browseRoots } : {}) })

/** --token, else WORKBENCH_TOKEN, else the data folder's token file (--new-token replaces it). */
function chooseToken(): string {
  const given = values.token ?? process.env['WORKBENCH_TOKEN']
  if (given) {
    if (values['new-token']) console.log('--new-token is ignored: --token or WORKBENCH_TOKEN sets the token.')
    return given
  }
  const stored = storedToken(ctx.paths.dataDir, values['new-token'])
  if (stored.how === 'rotated') console.log(`New token written to ${stored.file}: pages opened before must use the new URL.`)
  return stored.token
}

const serverOptions = {
  handlers: ctx.handlers,
  events: ctx.events,
  media: ctx.media,
  staticDir,
  token: chooseToken(),
  poolImages: ctx.poolImages,
  // The UI still answers only to loopback Host names (auth.ts); other addresses serve pool workers.
  host: values.host,
}
const server = await startWebServer({ ...serverOptions, port }).catch((err: NodeJS.ErrnoException) => {
  if (err.code !== 'EADDRINUSE') throw err
  // Another instance holds the port: take a free one rather than fail.
  console.log(`Port ${port} is in use; using a free port instead.`)
  return startWebServer({ ...serverOptions, port: 0 })
})
console.log(`U-Net SSL Workbench (web mode), data in ${ctx.paths.dataDir}`)
console.log(`Open ${server.url}`)
// A wildcard bind has no one address to give workers: this machine's own, unless --pool-url says.
const bound = ['0.0.0.0', '::'].includes(values.host) ? '127.0.0.1' : values.host
if (!['127.0.0.1', 'localhost', '::1'].includes(bound)) {
  console.log(`The UI answers on 127.0.0.1 only, which ${values.host} is not: --host 0.0.0.0 serves both the UI here and the workers.`)
}
const workersUrl = poolUrl ?? `http://${bound.includes(':') ? `[${bound}]` : bound}:${server.port}`
ctx.servePoolImages({ url: workersUrl, token: poolTokenOf(serverOptions.token) })
console.log(`Pool workers fetch runs' images from ${workersUrl}${poolUrl || bound !== '127.0.0.1' ? '' : ' (this machine only: --host and --pool-url for workers on others)'}`)

function shutdown(): void {
  void server.close().then(() => {
    ctx.close()
    process.exit(0)
  })
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
