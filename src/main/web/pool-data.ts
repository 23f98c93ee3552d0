// Web mode's read-only route for pool workers: a run's images as the app resized them, by image id,
//   GET /pool/pixels/<imageId>?size=S → size×size×3 RGB bytes (DatasetService.getResized)
//   GET /pool/trimap/<imageId>?size=S → size×size class ids (getResizedTrimap; 404 without a label)
// so a worker with no copy of the dataset builds byte-identical pixels without a decoder (the job's
// sha256 still holds). Guarded by the pool token alone, never by the UI's token, and vice versa.
import { createHmac } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { AppError } from '../../shared/errors'
import type { DatasetService } from '../services/dataset-service'
import { sameToken } from './auth'
import { methodNotAllowed, withContext } from './replies'

export const POOL_DATA_PREFIX = '/pool/'

/** What the route reads: the dataset service's resized cache. */
export type PoolImages = Pick<DatasetService, 'getResized' | 'getResizedTrimap'>

const PATH = /^\/pool\/(pixels|trimap)\/([1-9]\d{0,15})$/

/**
 * The pool token of a web token: an HMAC of it, so it changes with the web token (--new-token) and
 * needs no file of its own, yet a worker holding it (any reader of the pool's Redis sees it in the
 * jobs) can neither drive the UI's API with it nor work the web token out of it.
 */
export function poolTokenOf(webToken: string): string {
  return createHmac('sha256', webToken).update('unet-pool-data/v1').digest('base64url')
}

export function isPoolDataRequest(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith(POOL_DATA_PREFIX)
}

function bearer(req: IncomingMessage): string | null {
  const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')
  return m ? m[1]! : null
}

/**
 * Answers one pool request. The Host check of the rest of web mode (auth.ts hostAllowed) is not made
 * here, on purpose: it stops a DNS-rebinding page from riding on what a browser adds to requests by
 * itself — the token cookie. This route ignores the cookie (and ?token= and the UI's header) and
 * takes only an `Authorization: Bearer` pool token, which a browser never adds by itself and a foreign
 * page cannot know, and its answers carry no CORS headers; while workers on other machines must reach
 * it by the app's LAN name or address, which hostAllowed would refuse.
 */
export async function servePoolData(req: IncomingMessage, res: ServerResponse, webToken: string, images: PoolImages | undefined): Promise<void> {
  if (!sameToken(poolTokenOf(webToken), bearer(req))) {
    throw new AppError('UNAUTHORIZED', 'Missing or wrong pool token: pool workers send "Authorization: Bearer <pool token>" from their job')
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(req.method, 'The pool data route', ['GET', 'HEAD'])
  if (!images) throw new AppError('NOT_FOUND', 'This server serves no pool data')
  const url = new URL(req.url ?? '/', 'http://pool.invalid')
  const m = PATH.exec(url.pathname)
  if (!m) throw new AppError('NOT_FOUND', `No such pool data: ${url.pathname} (want /pool/pixels/<imageId>?size=S or /pool/trimap/<imageId>?size=S)`)
  const sizeText = url.searchParams.get('size') ?? ''
  if (!/^\d{1,4}$/.test(sizeText)) throw new AppError('BAD_INPUT', `${url.pathname}: ?size= must be a whole number of pixels, not ${JSON.stringify(sizeText)}`)
  const [kind, id, size] = [m[1], Number(m[2]), Number(sizeText)]
  let bytes: Uint8Array | null
  try {
    bytes = kind === 'pixels' ? await images.getResized(id, size) : await images.getResizedTrimap(id, size)
  } catch (err) {
    throw withContext(err, url.pathname)
  }
  if (!bytes) throw new AppError('NOT_FOUND', `image ${id} has no trimap (no label): a run that needs it cannot train on this image`)
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.byteLength, 'cache-control': 'no-store' })
  res.end(req.method === 'HEAD' ? undefined : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
}
