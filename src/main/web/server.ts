// Web mode: the same contract over HTTP on 127.0.0.1, events as Server-Sent Events, images by id.
// Every request needs the token; no path from a request reaches the file system except
// inside the built renderer folder.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isChannel, MEDIA_KINDS, type Api, type Channel, type MediaKind } from '../../shared/api'
import { parseArg } from '../../shared/api-schemas'
import { AppError } from '../../shared/errors'
import { API_PREFIX, EVENTS_PATH, MEDIA_PREFIX } from '../../shared/web-protocol'
import { decodeWire, decodeWireBinary, encodeWire, encodeWireBinary, WIRE_BINARY_TYPE } from '../../shared/wire'
import { CallOrder } from '../call-order'
import type { EventHub } from '../events'
import { checkToken, hostAllowed, tokenCookie } from './auth'
import { isPoolDataRequest, type PoolImages, servePoolData } from './pool-data'
import { HttpError, methodNotAllowed, sendError, withContext } from './replies'
import { readStatic } from './static-files'

export interface WebServerOptions {
  handlers: Api
  events: EventHub
  media(kind: MediaKind, imageId: number): Promise<{ bytes: Buffer; mime: string }>
  staticDir: string
  token: string
  /** What pool workers fetch at /pool/… with the pool token (pool-data.ts); absent: that route answers 404. */
  poolImages?: PoolImages
  port?: number
  host?: string
}

export interface RunningServer {
  server: Server
  port: number
  url: string
  close(): Promise<void>
}

const MAX_BODY = 64 * 1024 * 1024
/** How long a browser waits before reconnecting a dropped event stream. */
export const RECONNECT_MS = 1500
const CSP =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; " +
  "script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

/** The body cap in the words of the 413 answer. */
const BODY_LIMIT = `${MAX_BODY / 1024 / 1024} MiB (${MAX_BODY} bytes)`

function bodyTooLarge(channel: string): HttpError {
  const message = `${channel}: request body is over the ${BODY_LIMIT} limit`
  return new HttpError(413, 'BAD_INPUT', message, {}, true)
}

function readBody(req: IncomingMessage, channel: string): Promise<Buffer> {
  const declared = Number(req.headers['content-length'])
  if (declared > MAX_BODY) return Promise.reject(bodyTooLarge(channel))
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (c: Buffer): void => {
      size += c.length
      if (size <= MAX_BODY) return void chunks.push(c)
      req.off('data', onData)
      chunks.length = 0
      reject(bodyTooLarge(channel))
    }
    req.on('data', onData)
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

async function callApi(handlers: Api, channel: Channel, body: Buffer, binary: boolean): Promise<unknown> {
  let raw: unknown
  try {
    if (body.length === 0) raw = undefined
    else raw = binary ? decodeWireBinary(body) : decodeWire(body.toString('utf8'))
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err)
    throw new AppError('BAD_INPUT', `${channel}: request body is not a valid message (${why})`)
  }
  const arg = parseArg(channel, raw)
  const handler = handlers[channel] as (a: typeof arg) => Promise<unknown>
  try {
    return await handler(arg)
  } catch (err) {
    throw withContext(err, channel)
  }
}

function openEventStream(req: IncomingMessage, res: ServerResponse, events: EventHub, order: CallOrder): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
  })
  // A HEAD asks whether the stream is there; holding it open would leak a subscriber per probe.
  if (req.method === 'HEAD') return void res.end()
  // The browser retries a dropped stream by itself; a short delay lets a restarted server's page
  // notice it is back within a couple of seconds (the page then re-reads its state).
  res.write(`retry: ${RECONNECT_MS}\n: connected\n\n`)
  // Ordered: an event a call raised goes out after that call's answer (call-order.ts).
  const unsubscribe = events.subscribe(
    order.ordered((name, payload) => {
      res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`)
    }),
  )
  // Comments keep proxies and the browser from timing the stream out.
  const beat = setInterval(() => res.write(': ping\n\n'), 15_000)
  req.on('close', () => {
    clearInterval(beat)
    unsubscribe()
  })
}

async function serveMedia(res: ServerResponse, path: string, opts: WebServerOptions): Promise<void> {
  const [kind, idText, ...rest] = path.slice(MEDIA_PREFIX.length).split('/')
  const id = Number(idText)
  if (rest.length || !MEDIA_KINDS.includes(kind as MediaKind) || !Number.isInteger(id) || id <= 0) {
    throw new AppError('NOT_FOUND', `No such media: ${path}`)
  }
  let found: { bytes: Buffer; mime: string }
  try {
    found = await opts.media(kind as MediaKind, id)
  } catch (err) {
    throw withContext(err, path)
  }
  const { bytes, mime } = found
  res.writeHead(200, { 'content-type': mime, 'cache-control': 'private, max-age=60' }).end(bytes)
}

const READ_METHODS = ['GET', 'HEAD']

async function serveApi(req: IncomingMessage, res: ServerResponse, opts: WebServerOptions, channel: string) {
  if (req.method !== 'POST') throw methodNotAllowed(req.method, `The call ${channel}`, ['POST'])
  if (!isChannel(channel)) throw new AppError('NOT_FOUND', `Unknown call: ${channel}`)
  const binaryIn = (req.headers['content-type'] ?? '').startsWith(WIRE_BINARY_TYPE)
  const result = await callApi(opts.handlers, channel, await readBody(req, channel), binaryIn)
  if ((req.headers.accept ?? '').includes(WIRE_BINARY_TYPE)) {
    res.writeHead(200, { 'content-type': WIRE_BINARY_TYPE }).end(encodeWireBinary(result ?? null))
  } else {
    res.writeHead(200, { 'content-type': 'application/json' }).end(encodeWire(result ?? null))
  }
}

function requestUrl(req: IncomingMessage, port: number): URL {
  try {
    return new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
  } catch {
    throw new AppError('BAD_INPUT', `Request target ${JSON.stringify(req.url)} is not a valid URL path`)
  }
}

async function route(req: IncomingMessage, res: ServerResponse, opts: WebServerOptions, port: number, order: CallOrder) {
  res.setHeader('x-content-type-options', 'nosniff')
  res.setHeader('referrer-policy', 'no-referrer')
  // Workers on other machines, pool token only: pool-data.ts says why no Host check applies there.
  if (isPoolDataRequest(req)) return servePoolData(req, res, opts.token, opts.poolImages)
  if (!hostAllowed(req, port)) {
    throw new AppError('UNAUTHORIZED', `Host ${JSON.stringify(req.headers.host ?? '')} is not allowed: use 127.0.0.1:${port}`)
  }
  const url = requestUrl(req, port)
  const auth = checkToken(req, url, opts.token)
  if (auth === 'denied') throw new AppError('UNAUTHORIZED', 'Missing or wrong token: open the URL printed at start')
  if (auth === 'ok-from-query') res.setHeader('set-cookie', tokenCookie(opts.token))

  const path = url.pathname
  if (path.startsWith(API_PREFIX)) return serveApi(req, res, opts, path.slice(API_PREFIX.length))
  if (!READ_METHODS.includes(req.method ?? '')) throw methodNotAllowed(req.method, path, READ_METHODS)
  if (path === EVENTS_PATH) return openEventStream(req, res, opts.events, order)
  if (path.startsWith(MEDIA_PREFIX)) return serveMedia(res, path, opts)
  const file = await readStatic(opts.staticDir, path)
  if (!file) throw new AppError('NOT_FOUND', `Not found: ${path}`)
  res.writeHead(200, { 'content-type': file.mime, 'content-security-policy': CSP }).end(file.body)
}

export function startWebServer(opts: WebServerOptions): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let port = opts.port ?? 0
    const order = new CallOrder()
    const server = createServer((req, res) => {
      // Every request is a call: its answer, an error's included, is written before its events go out.
      void order.run(() =>
        route(req, res, opts, port, order).catch((err: unknown) => {
          if (!res.headersSent) sendError(res, err)
          else res.end()
        }),
      )
    })
    server.on('error', reject)
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port
      resolve({
        server,
        port,
        url: `http://127.0.0.1:${port}/?token=${encodeURIComponent(opts.token)}`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          }),
      })
    })
  })
}
