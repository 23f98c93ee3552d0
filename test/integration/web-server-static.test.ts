// Web mode's static files (src/main/web/static-files.ts) stay inside the built renderer folder: `..`
// however spelt, and links leading out of the folder, are refused; files and the app's routes are served.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventHub } from '../../src/main/events'
import { startWebServer, type RunningServer } from '../../src/main/web/server'
import { readStatic } from '../../src/main/web/static-files'
import type { Api } from '../../src/shared/api'

const token = 'static-token-1234567890'
let dir: string
let root: string
let web: RunningServer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-static-'))
  root = join(dir, 'static')
  mkdirSync(join(root, 'assets'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>workbench</title>')
  writeFileSync(join(root, 'assets/app.js'), 'app')
  writeFileSync(join(dir, 'secret.json'), '{"secret":true}')
  symlinkSync(join(dir, 'secret.json'), join(root, 'assets/out.json'))
  symlinkSync(dir, join(root, 'parent'))
  symlinkSync(join(root, 'assets/app.js'), join(root, 'assets/same.js'))
  web = await startWebServer({ handlers: {} as Api, events: new EventHub(), media: async () => ({ bytes: Buffer.alloc(0), mime: 'text/plain' }), staticDir: root, token })
})

afterAll(async () => {
  await web?.close()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** GET over real HTTP with a raw request target (fetch would normalise the dots away). */
async function get(target: string): Promise<{ status: number; body: string }> {
  const { request } = await import('node:http')
  return new Promise((resolve, reject) => {
    const req = request({ port: web.port, host: '127.0.0.1', path: target, headers: { 'x-workbench-token': token } }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('static files', () => {
  it('serves files of the folder, links within it, and index.html for the app routes', async () => {
    expect(await get('/assets/app.js')).toEqual({ status: 200, body: 'app' })
    expect(await get('/assets/same.js')).toEqual({ status: 200, body: 'app' })
    expect((await get('/browser')).body).toContain('<title>workbench</title>')
  })

  it.each(['/../secret.json', '/%2e%2e/secret.json', '/assets/%2e%2e/%2e%2e/secret.json', '/..%2fsecret.json', '/assets/..%2f..%2fsecret.json'])(
    'refuses %s, which names a file outside the folder',
    async (path) => {
      expect(await readStatic(root, path)).toBeNull()
      const res = await get(path)
      expect(res.status).toBe(404)
      expect(res.body).not.toContain('"secret":true')
    },
  )

  it('refuses a path outside the folder even when nothing is there, rather than serving the app', async () => {
    expect(await readStatic(root, '/../nowhere')).toBeNull()
    expect((await get('/..%2fnowhere')).status).toBe(404)
  })

  it('refuses links that lead out of the folder', async () => {
    for (const path of ['/assets/out.json', '/parent/secret.json']) {
      expect(await readStatic(root, path)).toBeNull()
      const res = await get(path)
      expect(res.status).toBe(404)
      expect(res.body).not.toContain('"secret":true')
    }
  })
})
