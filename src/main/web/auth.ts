// The per-start token of web mode: required on every request (header, query or cookie), compared in
// constant time; plus a Host check so a DNS-rebinding page cannot reach the loopback server.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { TOKEN_COOKIE, TOKEN_HEADER, TOKEN_QUERY } from '../../shared/web-protocol'

export function newToken(): string {
  return randomBytes(24).toString('base64url')
}

/** Constant-time comparison of a token given with a request (absent: never the same). */
export function sameToken(expected: string, given: string | undefined | null): boolean {
  if (!given) return false
  const a = Buffer.from(expected)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}

function cookieValue(req: IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie
  if (!header) return undefined
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k !== name) continue
    // A mangled cookie (stale, or set by another app on this host) is no token: ignoring it lets
    // a valid header or ?token= still through instead of failing the request.
    try {
      return decodeURIComponent(v.join('='))
    } catch {
      continue
    }
  }
  return undefined
}

export type AuthResult = 'ok' | 'ok-from-query' | 'denied'

export function checkToken(req: IncomingMessage, url: URL, token: string): AuthResult {
  const header = req.headers[TOKEN_HEADER]
  if (sameToken(token, Array.isArray(header) ? header[0] : header)) return 'ok'
  if (sameToken(token, cookieValue(req, TOKEN_COOKIE))) return 'ok'
  if (sameToken(token, url.searchParams.get(TOKEN_QUERY))) return 'ok-from-query'
  return 'denied'
}

/** Only loopback host names: a foreign page resolving its own name to 127.0.0.1 is refused. */
export function hostAllowed(req: IncomingMessage, port: number): boolean {
  const host = (req.headers.host ?? '').toLowerCase()
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(host)
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`
}
