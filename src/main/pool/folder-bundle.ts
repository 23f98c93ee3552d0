// A folder (a run's checkpoint) as one buffer, so it travels through Redis between the app and a pool
// worker without a shared file system: a small JSON header of relative paths and sizes, then the bytes.
import fs from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { AppError } from '../../shared/errors'

const MAGIC = Buffer.from('UPB1')

// Only plain relative paths below the folder: a bundle never writes outside the folder it is unpacked in.
const safePath = z
  .string()
  .min(1)
  .max(500)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'), 'not a plain relative path')

const headerSchema = z.object({
  files: z.array(z.object({ path: safePath, bytes: z.number().int().nonnegative() })).max(10_000),
})

/**
 * Every regular file under dir (symlinks and other oddities are left out), as one buffer. The trainer
 * swaps in each new checkpoint folder by renames, so a read the folder changed under is read again.
 */
export async function packFolder(dir: string): Promise<Buffer> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const before = (await fs.stat(dir)).ino
    const buf = await packOnce(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null
      throw err
    })
    const after = await fs.stat(dir).then((s) => s.ino, () => -1)
    if (buf && before === after) return buf
  }
  throw new AppError('IO_ERROR', `the checkpoint folder ${dir} kept changing while it was read`)
}

async function packOnce(dir: string): Promise<Buffer> {
  const files: { path: string; data: Buffer }[] = []
  const walk = async (rel: string): Promise<void> => {
    for (const e of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) await walk(r)
      else if (e.isFile()) files.push({ path: r, data: await fs.readFile(path.join(dir, r)) })
    }
  }
  await walk('')
  const header = Buffer.from(JSON.stringify({ files: files.map((f) => ({ path: f.path, bytes: f.data.byteLength })) }))
  const len = Buffer.alloc(4)
  len.writeUInt32BE(header.byteLength)
  return Buffer.concat([MAGIC, len, header, ...files.map((f) => f.data)])
}

/** The files of a bundle, checked: known format, safe paths, sizes that add up to the buffer's. */
export function readBundle(buf: Buffer): { path: string; data: Buffer }[] {
  const bad = (why: string): never => {
    throw new AppError('BAD_INPUT', `not a checkpoint bundle: ${why}`)
  }
  if (buf.byteLength < 8 || !buf.subarray(0, 4).equals(MAGIC)) bad('unknown format')
  const hlen = buf.readUInt32BE(4)
  if (8 + hlen > buf.byteLength) bad('truncated header')
  let raw: unknown
  try {
    raw = JSON.parse(buf.subarray(8, 8 + hlen).toString('utf8'))
  } catch {
    bad('header is not JSON')
  }
  const h = headerSchema.safeParse(raw)
  if (!h.success) return bad(h.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '))
  let at = 8 + hlen
  const out = h.data.files.map((f) => {
    const data = buf.subarray(at, at + f.bytes)
    at += f.bytes
    return { path: f.path, data }
  })
  if (at !== buf.byteLength) bad(`sizes add up to ${at} bytes, the bundle holds ${buf.byteLength}`)
  return out
}

/** Replaces dir with the bundle's files as a whole: written beside it first, then swapped in by renames. */
export async function unpackFolder(buf: Buffer, dir: string): Promise<void> {
  const files = readBundle(buf)
  const tmp = `${dir}.incoming-${process.pid}`
  const old = `${dir}.outgoing-${process.pid}`
  await fs.rm(tmp, { recursive: true, force: true })
  try {
    await fs.mkdir(tmp, { recursive: true })
    for (const f of files) {
      await fs.mkdir(path.dirname(path.join(tmp, f.path)), { recursive: true })
      await fs.writeFile(path.join(tmp, f.path), f.data)
    }
    await fs.rm(old, { recursive: true, force: true })
    await fs.rename(dir, old).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err
    })
    await fs.rename(tmp, dir)
    await fs.rm(old, { recursive: true, force: true })
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined)
    throw new AppError('IO_ERROR', `could not store the checkpoint in ${dir}: ${err instanceof Error ? err.message : String(err)}`)
  }
}
