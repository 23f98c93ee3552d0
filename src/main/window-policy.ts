// What the Electron shell lets the renderer do, as pure decisions (no electron import, so unit tests
// run them under plain Node): which links open in the user's browser, which frames may call the
// contract, and the CSP header added to every response. index.ts and ipc.ts apply them.
import { RENDERER_CSP } from '../shared/csp'

/**
 * The only pages the app links to: the Oxford-IIIT Pet dataset's page (where the archives are
 * downloaded). Anything else a page tries to open is denied rather than handed to the OS, which would
 * launch whatever handler a URL names.
 */
export const EXTERNAL_LINKS: readonly { host: string; pathPrefix: string }[] = [
  { host: 'www.robots.ox.ac.uk', pathPrefix: '/~vgg/data/pets/' },
]

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return false
  return EXTERNAL_LINKS.some((l) => url.hostname === l.host && url.pathname.startsWith(l.pathPrefix))
}

/**
 * True when a contract call comes from the app's own page: `frameUrl` is the calling frame's URL, or
 * null when the caller is not the window's main frame (an iframe) or its frame is gone. A file:// app
 * must be that exact index.html (any other local file could be loaded by a navigation); a dev server
 * app must be the same origin.
 */
export function isTrustedSender(frameUrl: string | null | undefined, appUrl: string): boolean {
  if (!frameUrl) return false
  let frame: URL
  let app: URL
  try {
    frame = new URL(frameUrl)
    app = new URL(appUrl)
  } catch {
    return false
  }
  if (app.protocol === 'file:') return frame.protocol === 'file:' && frame.host === app.host && frame.pathname === app.pathname
  if (app.protocol !== 'http:' && app.protocol !== 'https:') return false
  return frame.origin === app.origin
}

type Headers = Record<string, string | string[]>

/** Response headers with the renderer's CSP set (replacing one the response had, in whatever case). */
export function withCsp(headers: Headers | undefined): Headers {
  const out: Headers = {}
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value
  }
  out['Content-Security-Policy'] = [RENDERER_CSP]
  return out
}
