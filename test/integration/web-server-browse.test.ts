// fs:browse over real HTTP: folders and the release archives only, hidden ones left out, datasets
// marked, never a step outside the allowed roots (links included), bad paths refused by name.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAppContext, type AppContext } from '../../src/main/app-context'
import { startWebServer, type RunningServer } from '../../src/main/web/server'
import type { FolderListing } from '../../src/shared/types/browse'
import { decodeWire, encodeWire } from '../../src/shared/wire'

const token = 'browse-token-1234567890'
let dir: string
let home: string
let demoDir: string
let ctx: AppContext
let web: RunningServer

async function browse(path?: string): Promise<{ status: number; body: FolderListing & { error?: { code: string; message: string } } }> {
  const res = await fetch(`http://127.0.0.1:${web.port}/api/fs:browse`, {
    method: 'POST',
    headers: { 'x-workbench-token': token },
    body: encodeWire(path === undefined ? {} : { path }),
  })
  return { status: res.status, body: decodeWire(await res.text()) }
}

function touch(file: string, text = 'x'): void {
  mkdirSync(join(file, '..'), { recursive: true })
  writeFileSync(file, text)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-browse-'))
  home = join(dir, 'home')
  touch(join(home, 'pets/annotations/list.txt'))
  mkdirSync(join(home, 'pets/images'))
  mkdirSync(join(home, 'half/images'), { recursive: true }) // images/ without annotations/list.txt
  mkdirSync(join(home, '.cache/pets/images'), { recursive: true })
  for (const f of ['images.tar.gz', 'annotations.tar', 'notes.txt', 'images.zip', '.annotations.tar.gz']) touch(join(home, 'downloads', f))
  touch(join(home, 'secret.txt'), 'not for the browser')
  mkdirSync(join(dir, 'outside/pets/images'), { recursive: true })
  touch(join(dir, 'outside/pets/annotations/list.txt'))
  touch(join(dir, 'outside/images.tar.gz'))
  symlinkSync(join(dir, 'outside'), join(home, 'escape'))
  symlinkSync(join(dir, 'outside/images.tar.gz'), join(home, 'downloads/link.tar.gz'))
  symlinkSync(join(home, 'pets'), join(home, 'pets-link'))
  ctx = createAppContext({ dataDir: join(dir, 'data'), mode: 'web', browseRoots: [home] })
  demoDir = ctx.paths.demoDir
  mkdirSync(demoDir, { recursive: true })
  web = await startWebServer({ handlers: ctx.handlers, events: ctx.events, media: ctx.media, staticDir: join(dir, 'static'), token })
})

afterAll(async () => {
  await web.close()
  ctx.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('fs:browse', () => {
  it('starts at the first root and lists folders only, hidden ones and links leaving the roots left out', async () => {
    const { status, body } = await browse()
    expect(status).toBe(200)
    expect(body.path).toBe(home)
    expect(body.parent).toBeNull()
    expect(body.roots).toEqual([home, demoDir])
    expect(body.entries).toEqual([
      { name: 'downloads', kind: 'folder', isDataset: false },
      { name: 'half', kind: 'folder', isDataset: false },
      { name: 'pets', kind: 'folder', isDataset: true },
      { name: 'pets-link', kind: 'folder', isDataset: true },
    ])
  })

  it('lists the two release archives (gz or plain tar) and no other file', async () => {
    const { body } = await browse(join(home, 'downloads'))
    expect(body.parent).toBe(home)
    expect(body.entries).toEqual([
      { name: 'annotations.tar', kind: 'archive', isDataset: false },
      { name: 'images.tar.gz', kind: 'archive', isDataset: false },
    ])
  })

  it('marks a dataset folder itself', async () => {
    const { body } = await browse(join(home, 'pets'))
    expect(body.isDataset).toBe(true)
    expect(body.entries.map((e) => e.name)).toEqual(['annotations', 'images'])
  })

  it('refuses a link that leads out of the roots, and any folder outside them, naming the path', async () => {
    for (const path of [join(home, 'escape'), join(home, 'escape/pets'), join(dir, 'outside'), home + '/..', '/etc']) {
      const { status, body } = await browse(path)
      expect(status).toBe(400)
      expect(body.error?.message).toBe(`${path} is outside the folders you may browse (${home}, ${demoDir})`)
    }
  })

  it('does not tell whether a missing path outside the roots exists', async () => {
    const { status, body } = await browse(join(dir, 'outside/nothing-here'))
    expect(status).toBe(400)
    expect(body.error?.message).toContain('is outside the folders you may browse')
    const inside = await browse(join(home, 'nothing-here'))
    expect(inside.status).toBe(404)
    expect(inside.body.error?.message).toBe(`No such folder: ${join(home, 'nothing-here')}`)
  })

  it('refuses a file path and a relative path with a message naming them', async () => {
    const file = await browse(join(home, 'secret.txt'))
    expect(file.status).toBe(400)
    expect(file.body.error?.message).toBe(`${join(home, 'secret.txt')} is a file, not a folder`)
    expect(JSON.stringify(file.body)).not.toContain('not for the browser')
    const relative = await browse('home/pets')
    expect(relative.status).toBe(400)
    expect(relative.body.error?.message).toBe('fs:browse: path must be absolute, not "home/pets"')
  })

  it("always allows the data folder's demo dataset folder, as a root of its own", async () => {
    const { status, body } = await browse(demoDir)
    expect(status).toBe(200)
    expect(body.parent).toBeNull()
    expect((await browse(join(demoDir, '..'))).status).toBe(400)
  })

  it('needs the token like every call', async () => {
    const res = await fetch(`http://127.0.0.1:${web.port}/api/fs:browse`, { method: 'POST', body: encodeWire({}) })
    expect(res.status).toBe(401)
  })
})
