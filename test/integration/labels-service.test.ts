// LabelsService against a real SQLite file and a generated demo dataset: saved PNGs, provenance, the
// kept original and revert, labelling from scratch, bad input, write faults, atomicity, re-indexing and
// clearing a label.
import sharp from 'sharp'
import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rejects } from './rejects'
import { generateDemo } from '../../src/main/dataset/demo/generate'
import { fileSig } from '../../src/main/dataset/file-sig'
import { ImageCache } from '../../src/main/dataset/image-cache'
import { ORIGINALS_DIR, TEMP_SUFFIX, TRIMAPS_DIR } from '../../src/main/dataset/trimap-file'
import { openDatabase, type Db } from '../../src/main/db/open'
import { DatasetService } from '../../src/main/services/dataset-service'
import { LabelsService } from '../../src/main/services/labels-service'
import type { Events } from '../../src/shared/api'
import { parseArg } from '../../src/shared/api-schemas'
import type { Trimap } from '../../src/shared/trimap'
import type { ImageSummary } from '../../src/shared/types/dataset'

let dir: string
let pets: string
let db: Db
let svc: DatasetService
let labels: LabelsService
let datasetId: number
const events: Events['labels:changed'][] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-labels-'))
  pets = join(dir, 'pets')
  await generateDemo({ out: pets, count: 37, seed: 9 })
  db = openDatabase(join(dir, 'data/workbench.sqlite'))
  svc = new DatasetService({ db, cacheDir: join(dir, 'data/cache'), demoDir: join(dir, 'data/demo') })
  labels = new LabelsService({ datasets: svc, emit: (e) => events.push(e), user: 'tester' })
  datasetId = (await svc.open(pets)).datasetId
})

afterAll(() => {
  svc.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const trimapPath = (name: string): string => join(pets, TRIMAPS_DIR, `${name}.png`)
const originalPath = (name: string): string => join(pets, ORIGINALS_DIR, `${name}.png`)
const temps = (): string[] =>
  [TRIMAPS_DIR, ORIGINALS_DIR].flatMap((d) =>
    existsSync(join(pets, d)) ? readdirSync(join(pets, d)).filter((f) => f.endsWith(TEMP_SUFFIX)) : [],
  )

// Each test takes its own images, so the order of tests does not matter.
const used = new Set<number>()
function freshImage(): ImageSummary {
  const img = svc.listImages({ datasetId, label: 'labelled' }).find((i) => !i.broken && i.label === 'original' && !used.has(i.id))
  if (!img) throw new Error('no unused labelled image left')
  used.add(img.id)
  return img
}

/** A trimap of the image's size: diagonal stripes of 1/2/3, shifted by `phase`. */
function pattern(img: { width: number | null; height: number | null }, phase = 0): Trimap {
  const width = img.width!
  const height = img.height!
  const data = new Uint8Array(width * height)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = 1 + ((x + y + phase) % 3)
  return { width, height, data }
}

const uniform = (img: { width: number | null; height: number | null }, v: number): Trimap => ({
  width: img.width!,
  height: img.height!,
  data: new Uint8Array(img.width! * img.height!).fill(v),
})

/** The PNG header's size, bit depth and colour type, and its pixel values. */
async function readPng(file: string): Promise<{ width: number; height: number; depth: number; colourType: number; data: Buffer }> {
  const bytes = readFileSync(file)
  const { data } = await sharp(bytes).extractChannel(0).raw().toBuffer({ resolveWithObject: true })
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), depth: bytes[24]!, colourType: bytes[25]!, data }
}

const editedCount = (): number => svc.facets({ datasetId }).label.edited

describe('save', () => {
  it('writes an 8-bit grayscale PNG with exactly the saved values and records who edited it', async () => {
    const img = freshImage()
    const before = editedCount()
    const t = pattern(img)
    const detail = await labels.save(img.id, t)
    const png = await readPng(trimapPath(img.name))
    expect(png).toMatchObject({ width: t.width, height: t.height, depth: 8, colourType: 0 })
    expect(Buffer.compare(png.data, Buffer.from(t.data))).toBe(0)
    expect(detail).toMatchObject({ id: img.id, label: 'edited', hasOriginal: true })
    const row = svc.label(img.id)!
    expect(row).toMatchObject({ source: 'edited', file: `${TRIMAPS_DIR}/${img.name}.png`, updated_by: 'tester', width: t.width })
    expect(Date.now() - Date.parse(row.updated_at)).toBeLessThan(60_000)
    expect(editedCount()).toBe(before + 1)
    expect(svc.listImages({ datasetId, label: 'edited' }).map((i) => i.id)).toContain(img.id)
    expect(events.at(-1)).toEqual({ imageId: img.id, label: 'edited' })
    expect((await svc.getTrimap(img.id))!.data).toEqual(t.data)
    expect(temps()).toEqual([])
  })

  it('keeps the release original once, unchanged after several saves, and revert restores it', async () => {
    const img = freshImage()
    const releaseBytes = readFileSync(trimapPath(img.name))
    const releaseValues = (await readPng(trimapPath(img.name))).data
    await labels.save(img.id, pattern(img, 1))
    await labels.save(img.id, pattern(img, 2))
    expect(Buffer.compare(readFileSync(originalPath(img.name)), releaseBytes)).toBe(0)
    expect((await readPng(trimapPath(img.name))).data).toEqual(Buffer.from(pattern(img, 2).data))

    const reverted = await labels.revert(img.id)
    expect(reverted).toMatchObject({ label: 'original', hasOriginal: true })
    expect((await readPng(trimapPath(img.name))).data).toEqual(releaseValues)
    expect(svc.label(img.id)).toMatchObject({ source: 'original', updated_by: 'tester' })
    expect(events.at(-1)).toEqual({ imageId: img.id, label: 'original' })
    expect(svc.listImages({ datasetId, label: 'edited' }).map((i) => i.id)).not.toContain(img.id)

    // Editing again after a revert must not take the reverted file as a new "original".
    await labels.save(img.id, pattern(img, 0))
    expect(Buffer.compare(readFileSync(originalPath(img.name)), releaseBytes)).toBe(0)
    expect(temps()).toEqual([])
  })

  it('labels an image without a trimap from scratch; it has no original to revert to', async () => {
    const img = freshImage()
    unlinkSync(trimapPath(img.name))
    await svc.open(pets)
    expect(svc.getImage(img.id)).toMatchObject({ label: null, hasOriginal: false })
    const none = await rejects(labels.revert(img.id))
    expect(none.code).toBe('NOT_FOUND')
    expect(none.message).toMatch(new RegExp(`${img.name} has no original trimap`))

    const t = pattern(img)
    expect(await labels.save(img.id, t)).toMatchObject({ label: 'edited', hasOriginal: false })
    expect((await readPng(trimapPath(img.name))).data).toEqual(Buffer.from(t.data))
    expect(existsSync(originalPath(img.name))).toBe(false)
    expect((await rejects(labels.revert(img.id))).code).toBe('NOT_FOUND')
  })
})

describe('bad input', () => {
  it('refuses a trimap of the wrong size or with values outside 1..3 and writes nothing', async () => {
    const img = freshImage()
    const bytes = readFileSync(trimapPath(img.name))
    const small = { width: img.width! - 1, height: img.height!, data: new Uint8Array((img.width! - 1) * img.height!).fill(1) }
    const wrongSize = await rejects(labels.save(img.id, small))
    expect(wrongSize).toMatchObject({ code: 'BAD_INPUT' })
    expect(wrongSize.message).toContain(`is ${small.width}×${small.height} but the image is ${img.width}×${img.height}`)
    const zero = pattern(img)
    zero.data[img.width! + 2] = 0
    expect(await rejects(labels.save(img.id, zero))).toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('value 0 at pixel (2, 1)') })
    expect(await rejects(labels.save(img.id, uniform(img, 4)))).toMatchObject({ code: 'BAD_INPUT' })
    expect(Buffer.compare(readFileSync(trimapPath(img.name)), bytes)).toBe(0)
    expect(existsSync(originalPath(img.name))).toBe(false)
    expect(svc.label(img.id)!.source).toBe('original')
    expect(temps()).toEqual([])
  })

  it('validates the call at the boundary: Uint8Array of width×height bytes, values 1..3', () => {
    const ok = { imageId: 1, trimap: { width: 2, height: 1, data: Buffer.from([1, 3]) } }
    expect([...parseArg('labels:save', ok).trimap.data]).toEqual([1, 3])
    const bad = (trimap: unknown) => () => parseArg('labels:save', { imageId: 1, trimap })
    expect(bad({ width: 2, height: 1, data: new Uint8Array([1, 9]) })).toThrow(/labels:save: trimap\.data: value 9 at pixel \(1, 0\)/)
    expect(bad({ width: 2, height: 2, data: new Uint8Array([1, 1]) })).toThrow(/holds 2 bytes but a 2×2 trimap needs 4/)
    expect(bad({ width: 2, height: 1, data: [1, 1] })).toThrow(/trimap\.data/)
    expect(bad({ width: 0, height: 1, data: new Uint8Array() })).toThrow(/trimap\.width/)
    expect(() => parseArg('labels:revert', { imageId: -1 })).toThrow(/BAD_INPUT|imageId/)
  })

  it('refuses images that cannot be decoded or do not exist', async () => {
    const broken = svc.listImages({ datasetId, label: 'broken' })[0]!
    expect(await rejects(labels.save(broken.id, { width: 1, height: 1, data: new Uint8Array([1]) }))).toMatchObject({ code: 'UNSUPPORTED' })
    expect(await rejects(labels.save(999_999, { width: 1, height: 1, data: new Uint8Array([1]) }))).toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('faults', () => {
  it('reports a read-only trimaps folder as IO_ERROR and leaves the old file intact', async () => {
    const img = freshImage()
    await labels.save(img.id, pattern(img, 1))
    const bytes = readFileSync(trimapPath(img.name))
    const folder = join(pets, TRIMAPS_DIR)
    chmodSync(folder, 0o555)
    // As root (CI) the mode bits do not stop writes: drop to an unprivileged user while saving.
    const asRoot = process.getuid?.() === 0
    if (asRoot) chmodSync(dir, 0o755)
    let err: { code: string; message: string }
    try {
      if (asRoot) process.seteuid!(65534)
      err = await rejects(labels.save(img.id, pattern(img, 2)))
    } finally {
      if (asRoot) process.seteuid!(0)
      chmodSync(folder, 0o755)
    }
    expect(err.code).toBe('IO_ERROR')
    expect(err.message).toBe(`Could not save the trimap of ${img.name}: folder is read-only or not writable by this user (${folder})`)
    expect(Buffer.compare(readFileSync(trimapPath(img.name)), bytes)).toBe(0)
    expect(svc.label(img.id)!.source).toBe('edited')
    expect(temps()).toEqual([])
  })

  it('fails cleanly when a folder is in the way of the file, or the image file is gone', async () => {
    const img = freshImage()
    await labels.save(img.id, pattern(img))
    rmSync(trimapPath(img.name))
    mkdirSync(trimapPath(img.name))
    const inTheWay = await rejects(labels.save(img.id, pattern(img, 1)))
    expect(inTheWay).toMatchObject({ code: 'IO_ERROR', message: expect.stringMatching(/a folder is in the way|EISDIR|ENOTEMPTY/) })
    expect(statSync(trimapPath(img.name)).isDirectory()).toBe(true)
    expect(temps()).toEqual([])

    const other = freshImage()
    const detail = svc.getImage(other.id)
    rmSync(join(pets, detail.file))
    const gone = await rejects(labels.save(other.id, pattern(other)))
    expect(gone).toMatchObject({ code: 'IO_ERROR', message: expect.stringContaining('the image file no longer exists') })
  })

  it('leaves the old or the new PNG, whole, when the writing process is killed at any instant', async () => {
    const file = join(dir, 'kill-test.png')
    // .mts: top-level await, whatever the temp folder's package scope says.
    const script = join(dir, 'kill-writer.mts')
    const module = join(process.cwd(), 'src/main/dataset/trimap-file.ts')
    // Two very different files (sizes differ by 10x): a torn write could not pass as either.
    writeFileSync(
      script,
      `import { encodeTrimapPng, writeFileAtomicSync } from ${JSON.stringify(module)}
const w = 400, h = 400
const a = new Uint8Array(w * h).fill(2)
const b = new Uint8Array(w * h).map((_, i) => 1 + ((i * 7919) % 3))
const pngs = [encodeTrimapPng({ width: w, height: h, data: a }), encodeTrimapPng({ width: w, height: h, data: b })]
writeFileAtomicSync(${JSON.stringify(file)}, pngs[0])
process.stdout.write('ready\\n')
for (let i = 1; ; i++) writeFileAtomicSync(${JSON.stringify(file)}, pngs[i % 2])
`,
    )
    for (const delay of [40, 85, 130]) {
      // node itself with tsx's loader (not the tsx wrapper, which would run the writer in a grandchild).
      const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] })
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', () => resolve())
        child.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)))
      })
      await new Promise((r) => setTimeout(r, delay))
      const exited = new Promise((r) => child.on('exit', r))
      child.kill('SIGKILL')
      await exited
      const { data, info } = await sharp(file).extractChannel(0).raw().toBuffer({ resolveWithObject: true })
      expect([info.width, info.height]).toEqual([400, 400])
      const uniformTwo = data.every((v) => v === 2)
      const striped = data.every((v, i) => v === 1 + ((i * 7919) % 3))
      expect(uniformTwo || striped).toBe(true)
    }
  })
})

describe('re-indexing and caches', () => {
  it('keeps an edited label edited and skips the saved file on re-open, even when touched', async () => {
    const img = freshImage()
    await labels.save(img.id, pattern(img))
    const row = svc.label(img.id)!
    const st = statSync(trimapPath(img.name))
    const sig = db.prepare('SELECT trimap_sig FROM images WHERE id = ?').get(img.id) as { trimap_sig: string }
    expect(sig.trimap_sig).toBe(fileSig(st))
    await svc.open(pets)
    expect(svc.label(img.id)).toEqual(row)
    const later = new Date(Date.now() + 5000)
    utimesSync(trimapPath(img.name), later, later)
    await svc.open(pets)
    expect(svc.label(img.id)).toMatchObject({ source: 'edited', updated_at: row.updated_at, updated_by: 'tester' })
    expect(svc.getImage(img.id)).toMatchObject({ label: 'edited', hasOriginal: true, problems: [] })
  })

  it('recovers provenance from the kept originals when the database is new', async () => {
    const edited = freshImage()
    await labels.save(edited.id, pattern(edited, 1))
    const reverted = freshImage()
    await labels.save(reverted.id, pattern(reverted, 2))
    await labels.revert(reverted.id)
    const db2 = openDatabase(join(dir, 'data2/workbench.sqlite'))
    const svc2 = new DatasetService({ db: db2, cacheDir: join(dir, 'data2/cache'), demoDir: join(dir, 'data2/demo') })
    try {
      const id2 = (await svc2.open(pets)).datasetId
      const find = (name: string): ImageSummary => svc2.listImages({ datasetId: id2, search: name }).find((i) => i.name === name)!
      expect(svc2.label(find(edited.name).id)).toMatchObject({ source: 'edited', updated_by: null })
      expect(svc2.getImage(find(edited.name).id).hasOriginal).toBe(true)
      expect(find(reverted.name).label).toBe('original')
    } finally {
      svc2.close()
      db2.close()
    }
  })

  it('sweeps temp files a killed save left behind and never lists them as skipped files', async () => {
    const folder = join(pets, TRIMAPS_DIR)
    const stale = join(folder, `.x.png.999999-0${TEMP_SUFFIX}`)
    const live = join(folder, `.y.png.${process.ppid}-1${TEMP_SUFFIX}`) // a live process: its save may be in flight
    writeFileSync(stale, 'half a png')
    writeFileSync(live, 'being written')
    const hourAgo = new Date(Date.now() - 3_600_000)
    utimesSync(stale, hourAgo, hourAgo)
    expect((await svc.open(pets)).skipped.filter((f) => f.endsWith(TEMP_SUFFIX))).toEqual([])
    const img = freshImage()
    await new LabelsService({ datasets: svc, user: 'tester' }).save(img.id, pattern(img))
    expect(existsSync(stale)).toBe(false)
    expect(existsSync(live)).toBe(true)
    rmSync(live)
  })

  it('drops the resized training trimaps of the replaced file, so training never sees the old label', async () => {
    const img = freshImage()
    await labels.save(img.id, uniform(img, 1))
    expect([...new Set(await svc.getResizedTrimap(img.id, 16))]).toEqual([1])
    // The cache names entries by size and mtime; a new file can get both from the old (same length,
    // same millisecond), so the entry of the replaced version must go, not just stop matching.
    const entry = join(new ImageCache(join(dir, 'data/cache')).datasetDir(datasetId), 'tri-16', `${img.name}~${fileSig(statSync(trimapPath(img.name)))}.tri`)
    expect(existsSync(entry)).toBe(true)
    await labels.save(img.id, uniform(img, 2))
    expect(existsSync(entry)).toBe(false)
    expect([...new Set(await svc.getResizedTrimap(img.id, 16))]).toEqual([2])
  })

  it('runs saves of one image in call order: the last call wins on disk', async () => {
    const img = freshImage()
    await Promise.all([labels.save(img.id, uniform(img, 1)), labels.save(img.id, uniform(img, 3)), labels.save(img.id, uniform(img, 2))])
    expect([...new Set((await readPng(trimapPath(img.name))).data)]).toEqual([2])
    expect(temps()).toEqual([])
  })
})

describe('clear', () => {
  const unlabelledCount = (): number => svc.facets({ datasetId }).label.unlabelled

  it('makes an image labelled from scratch unlabelled again: file, row and counts as before its first save', async () => {
    const img = freshImage()
    unlinkSync(trimapPath(img.name))
    await svc.open(pets)
    const before = { detail: svc.getImage(img.id), unlabelled: unlabelledCount(), edited: editedCount() }
    await labels.save(img.id, pattern(img))
    expect(unlabelledCount()).toBe(before.unlabelled - 1)

    const cleared = await labels.clear(img.id)
    expect(existsSync(trimapPath(img.name))).toBe(false)
    expect(existsSync(originalPath(img.name))).toBe(false)
    expect(svc.label(img.id)).toBeNull()
    expect(cleared).toMatchObject({ label: null, hasOriginal: false })
    expect(svc.getImage(img.id)).toEqual(before.detail)
    expect([unlabelledCount(), editedCount()]).toEqual([before.unlabelled, before.edited])
    expect(await svc.getTrimap(img.id)).toBeNull()
    await new Promise((r) => setImmediate(r))
    expect(events.at(-1)).toEqual({ imageId: img.id, label: null })
    // Re-indexing agrees: nothing to redo, still unlabelled.
    await svc.open(pets)
    expect(svc.getImage(img.id)).toMatchObject({ label: null })
    expect(temps()).toEqual([])
  })

  it("keeps the release's trimap when clearing an untouched image, and revert brings it back", async () => {
    const img = freshImage()
    const releaseBytes = readFileSync(trimapPath(img.name))
    const before = unlabelledCount()
    const cleared = await labels.clear(img.id)
    expect(cleared).toMatchObject({ label: null, hasOriginal: true })
    expect(existsSync(trimapPath(img.name))).toBe(false)
    expect(Buffer.compare(readFileSync(originalPath(img.name)), releaseBytes)).toBe(0)
    expect(svc.label(img.id)).toBeNull()
    expect(unlabelledCount()).toBe(before + 1)
    await svc.open(pets)
    expect(svc.getImage(img.id)).toMatchObject({ label: null, hasOriginal: true })

    expect(await labels.revert(img.id)).toMatchObject({ label: 'original' })
    expect(Buffer.compare(readFileSync(trimapPath(img.name)), releaseBytes)).toBe(0)
    expect(unlabelledCount()).toBe(before)
  })

  it("clears an edited image without touching the kept original; clearing twice is harmless", async () => {
    const img = freshImage()
    const releaseBytes = readFileSync(trimapPath(img.name))
    await labels.save(img.id, pattern(img, 1))
    await labels.clear(img.id)
    expect(await labels.clear(img.id)).toMatchObject({ label: null, hasOriginal: true })
    expect(existsSync(trimapPath(img.name))).toBe(false)
    expect(Buffer.compare(readFileSync(originalPath(img.name)), releaseBytes)).toBe(0)
    expect(svc.listImages({ datasetId, label: 'edited' }).map((i) => i.id)).not.toContain(img.id)
    expect(() => parseArg('labels:clear', { imageId: 0 })).toThrow(/labels:clear: imageId/)
    expect(await rejects(labels.clear(999_999))).toMatchObject({ code: 'NOT_FOUND' })
  })
})
