// How web mode answers a failed request: the wire error { code, message } as JSON, with the HTTP
// status that fits its code (or one the request itself calls for: 405, 413) and the headers it needs.
import type { ServerResponse } from 'node:http'
import { AppError, toWireError, type ErrorCode, type WireError } from '../../shared/errors'

const STATUS: Record<ErrorCode, number> = {
  BAD_INPUT: 400,
  PARSE_ERROR: 422,
  NOT_A_DATASET: 422,
  BAD_ARCHIVE: 422,
  UNSUPPORTED: 400,
  NOT_FOUND: 404,
  UNAUTHORIZED: 401,
  // A file or folder on disk stops the call (unreadable trimap, export folder not writable): the
  // request was fine and the server did not crash, the state it works on is in the way until the
  // user fixes it, which is what 409 Conflict says. 500 would read as a bug in the server.
  IO_ERROR: 409,
  INTERNAL: 500,
}

/**
 * An error whose HTTP status is the request's own (405, 413), not its code's, with extra headers;
 * `closeAfter` ends the connection once it is answered (the request's body is not worth reading).
 */
export class HttpError extends AppError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly closeAfter = false,
  ) {
    super(code, message)
  }
}

/** How long a refused upload may go on being read and dropped after its answer. */
const LINGER_MS = 5_000

/**
 * Closes the connection after the answer the way servers must when a body is still arriving: the
 * answer and a FIN go first, and what the client still sends is read and dropped for a while. Closing
 * with unread bytes would make the kernel reset the connection, and a reset client loses the answer.
 */
function closeAfterAnswer(res: ServerResponse): void {
  res.on('finish', () => {
    const socket = res.socket ?? res.req.socket
    socket.end()
    res.req.resume()
    const timer = setTimeout(() => socket.destroy(), LINGER_MS).unref()
    socket.once('close', () => clearTimeout(timer))
  })
}

/** 405 with the Allow header listing what `what` does accept. */
export function methodNotAllowed(method: string | undefined, what: string, allow: string[]): HttpError {
  const message = `${what} accepts ${allow.join(' or ')}, not ${method ?? 'no method'}`
  return new HttpError(405, 'BAD_INPUT', message, { allow: allow.join(', ') })
}

/**
 * Services' own errors say what they were about; anything else (a bug, a raw file-system error) gets
 * the name of the request, so the reply still tells which call or file failed.
 */
export function withContext(err: unknown, what: string): unknown {
  if (err instanceof Error && !(err instanceof AppError)) err.message = `${what}: ${err.message}`
  return err
}

/**
 * The wire error for anything thrown. Node's own errors carry a string `code` of their own (ENOENT,
 * Z_DATA_ERROR) that is not one of ours: a file-system one (it has a syscall, and its message names
 * the path) is IO_ERROR, any other INTERNAL.
 */
function wireErrorOf(err: unknown): WireError {
  if (err instanceof AppError) return err.toWire()
  if (err instanceof Error) {
    const io = typeof (err as NodeJS.ErrnoException).syscall === 'string'
    return { code: io ? 'IO_ERROR' : 'INTERNAL', message: err.message }
  }
  const wire = toWireError(err)
  return Object.hasOwn(STATUS, wire.code) ? wire : { code: 'INTERNAL', message: wire.message }
}

export function sendError(res: ServerResponse, err: unknown): void {
  const wire = wireErrorOf(err)
  const status = err instanceof HttpError ? err.status : STATUS[wire.code]
  const headers = err instanceof HttpError ? err.headers : {}
  if (err instanceof HttpError && err.closeAfter) closeAfterAnswer(res)
  res.writeHead(status, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ error: wire }))
}
