// Web mode's token file: made on first start (owner-only), the same token on every restart so open
// tabs keep working, and a new one with --new-token, after which the old token is refused.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EventHub } from '../../src/main/events'
import { startWebServer } from '../../src/main/web/server'
import { storedToken, TOKEN_FILE } from '../../src/main/web/token-file'
import type { Api } from '../../src/shared/api'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-token-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const mode = (file: string) => statSync(file).mode & 0o777

/** One server start on `token`: whether `given` may call app:info. */
async function accepted(token: string, given: string): Promise<boolean> {
  const handlers = { 'app:info': async () => ({ version: '0', mode: 'web', dataDir: dir, canPickFiles: false }) } as unknown as Api
  const web = await startWebServer({ handlers, events: new EventHub(), media: async () => ({ bytes: Buffer.alloc(0), mime: '' }), staticDir: dir, token })
  try {
    const res = await fetch(`http://127.0.0.1:${web.port}/api/app:info`, { method: 'POST', headers: { 'x-workbench-token': given }, body: '' })
    return res.status === 200
  } finally {
    await web.close()
  }
}

describe('token file', () => {
  it('is created on first start, readable by its owner only, in a data folder that did not exist yet', () => {
    const data = join(dir, 'first')
    const first = storedToken(data)
    expect(first.how).toBe('created')
    expect(first.file).toBe(join(data, TOKEN_FILE))
    expect(mode(first.file)).toBe(0o600)
    expect(readFileSync(first.file, 'utf8').trim()).toBe(first.token)
    expect(first.token.length).toBeGreaterThanOrEqual(24)
  })

  it('gives the same token on restart, so a page opened before keeps working', async () => {
    const data = join(dir, 'restart')
    const before = storedToken(data).token
    const after = storedToken(data)
    expect(after).toMatchObject({ token: before, how: 'kept' })
    expect(await accepted(after.token, before)).toBe(true)
  })

  it('is replaced by --new-token; the old token is then refused', async () => {
    const data = join(dir, 'rotate')
    const old = storedToken(data).token
    const rotated = storedToken(data, true)
    expect(rotated.how).toBe('rotated')
    expect(rotated.token).not.toBe(old)
    expect(mode(rotated.file)).toBe(0o600)
    expect(storedToken(data).token).toBe(rotated.token)
    expect(await accepted(rotated.token, old)).toBe(false)
    expect(await accepted(rotated.token, rotated.token)).toBe(true)
  })

  it('tightens a file others can read, and replaces one that holds no token', () => {
    const data = join(dir, 'repair')
    const { file, token } = storedToken(data)
    chmodSync(file, 0o644)
    expect(storedToken(data).token).toBe(token)
    expect(mode(file)).toBe(0o600)
    writeFileSync(file, '\n')
    const replaced = storedToken(data)
    expect(replaced.how).toBe('rotated')
    expect(replaced.token).not.toBe('')
    expect(readFileSync(file, 'utf8').trim()).toBe(replaced.token)
  })
})
