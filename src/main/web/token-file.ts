// Web mode's token kept in the data folder (mode 600), so an open tab keeps working after the server
// restarts; serve.ts uses it unless --token or WORKBENCH_TOKEN says otherwise, --new-token replaces it.
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { newToken } from './auth'

export const TOKEN_FILE = 'web-token'
/** What newToken makes; anything else in the file (empty, truncated, edited) is replaced. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{16,256}$/

export interface StoredToken {
  token: string
  file: string
  /** 'kept': read from the file; 'created': first start; 'rotated': --new-token, or the file was unusable. */
  how: 'kept' | 'created' | 'rotated'
}

function readToken(file: string): string | null {
  try {
    const text = readFileSync(file, 'utf8').trim()
    return TOKEN_SHAPE.test(text) ? text : null
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new Error(`Cannot read the web token file ${file}: ${(err as Error).message}`)
  }
}

/** Writes a fresh token readable by its owner only, replacing the file in one step. */
function writeToken(dataDir: string, file: string): string {
  mkdirSync(dataDir, { recursive: true })
  const token = newToken()
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, token + '\n', { mode: 0o600 })
  renameSync(temp, file)
  return token
}

/** The token in dataDir's token file, created on first start; `rotate` replaces it with a new one. */
export function storedToken(dataDir: string, rotate = false): StoredToken {
  const file = join(dataDir, TOKEN_FILE)
  const existing = rotate ? null : readToken(file)
  if (existing) {
    // A copy restored from a backup may have lost its mode: the token is as good as a password.
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600)
    return { token: existing, file, how: 'kept' }
  }
  const existed = statSync(file, { throwIfNoEntry: false }) !== undefined
  return { token: writeToken(dataDir, file), file, how: existed ? 'rotated' : 'created' }
}
