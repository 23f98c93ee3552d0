// Serves the built renderer (out/renderer) in web mode. Paths are resolved inside the root only, and so
// are the files they name once links are followed.
import { readFile, realpath } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
}

export interface StaticFile {
  body: Buffer
  mime: string
}

/** The file for a URL path, or index.html for the app's own routes; null when nothing fits. */
export async function readStatic(root: string, urlPath: string): Promise<StaticFile | null> {
  let rel: string
  try {
    rel = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  const target = normalize(join(root, rel === '/' ? 'index.html' : rel))
  if (!inside(root, target)) return null
  try {
    // A link inside the folder must not lead out of it.
    const real = await realpath(target)
    if (!inside(await realpath(root), real)) return null
    return { body: await readFile(real), mime: MIME[extname(target)] ?? 'application/octet-stream' }
  } catch {
    if (extname(rel) !== '') return null
    return { body: await readFile(join(root, 'index.html')), mime: MIME['.html']! }
  }
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root + sep)
}
