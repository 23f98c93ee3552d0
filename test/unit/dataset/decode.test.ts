// Per-image decoding for the index: formats by magic bytes, corrupt files as results, trimap checks.
import sharp from 'sharp'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkTrimap, decodeImage, sharpMessage } from '../../../src/main/dataset/decode'

let dir: string
const rgb = (w: number, h: number) => sharp(Buffer.alloc(w * h * 3, 90), { raw: { width: w, height: h, channels: 3 } })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-decode-'))
  const jpg = await rgb(320, 200).jpeg().toBuffer()
  writeFileSync(join(dir, 'ok.jpg'), jpg)
  writeFileSync(join(dir, 'cut.jpg'), jpg.subarray(0, Math.floor(jpg.length / 2)))
  writeFileSync(join(dir, 'gif.jpg'), await rgb(50, 40).gif().toBuffer())
  writeFileSync(join(dir, 'text.jpg'), 'not an image')
  writeFileSync(join(dir, 'empty.jpg'), '')
  const tri = sharp(Buffer.alloc(100 * 80, 2), { raw: { width: 100, height: 80, channels: 1 } })
  writeFileSync(join(dir, 'tri.png'), await tri.toColourspace('b-w').png().toBuffer())
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('decodeImage', () => {
  it('decodes a JPEG and writes a thumbnail of at most 160 px', async () => {
    const r = await decodeImage(join(dir, 'ok.jpg'), join(dir, 'ok.thumb.jpg'))
    expect(r).toEqual({ format: 'jpeg', width: 320, height: 200, brokenReason: null })
    const t = await sharp(join(dir, 'ok.thumb.jpg')).metadata()
    expect([t.format, t.width, t.height]).toEqual(['jpeg', 160, 100])
  })

  it('decodes a GIF named .jpg by its magic bytes', async () => {
    const r = await decodeImage(join(dir, 'gif.jpg'), join(dir, 'gif.thumb.jpg'))
    expect(r).toMatchObject({ format: 'gif', width: 50, height: 40, brokenReason: null })
  })

  it('reports a truncated JPEG, text and an empty file as broken with a reason', async () => {
    const cut = await decodeImage(join(dir, 'cut.jpg'), join(dir, 'cut.thumb.jpg'))
    expect(cut.brokenReason).toMatch(/^cannot decode JPEG: truncated/)
    expect(existsSync(join(dir, 'cut.thumb.jpg'))).toBe(false)
    expect((await decodeImage(join(dir, 'text.jpg'), join(dir, 't.jpg'))).brokenReason).toBe(
      'not an image (file starts with bytes 6e 6f 74 20)',
    )
    expect((await decodeImage(join(dir, 'empty.jpg'), join(dir, 'e.jpg'))).brokenReason).toBe('empty file')
    expect((await decodeImage(join(dir, 'absent.jpg'), join(dir, 'a.jpg'))).brokenReason).toMatch(/^cannot read file/)
  })
})

describe('checkTrimap', () => {
  it('reports a trimap whose size differs from the image', async () => {
    expect(await checkTrimap(join(dir, 'tri.png'), 100, 80)).toEqual({ width: 100, height: 80, problem: null })
    expect((await checkTrimap(join(dir, 'tri.png'), 320, 200)).problem).toBe('trimap is 100×80 but the image is 320×200')
    expect((await checkTrimap(join(dir, 'text.jpg'), 1, 1)).problem).toBe('trimap is not a PNG file')
    expect((await checkTrimap(join(dir, 'ok.jpg'), 320, 200)).problem).toBe('trimap is JPEG, not PNG')
    expect((await checkTrimap(join(dir, 'absent.png'), 1, 1)).problem).toMatch(/^trimap cannot be read: ENOENT/)
    writeFileSync(join(dir, 'cut.png'), readFileSync(join(dir, 'tri.png')).subarray(0, 12))
    expect((await checkTrimap(join(dir, 'cut.png'), 1, 1)).problem).toBe('trimap cannot be read: damaged PNG header')
  })
})

describe('checkTrimap on what the header does not show', () => {
  it('finds values other than 1/2/3 and a truncated PNG: neither is a usable label', async () => {
    const data = Buffer.alloc(100 * 80, 2)
    data.set([1, 0, 4, 255], 80 * 10)
    const png = await sharp(data, { raw: { width: 100, height: 80, channels: 1 } }).toColourspace('b-w').png().toBuffer()
    writeFileSync(join(dir, 'values.png'), png)
    expect(await checkTrimap(join(dir, 'values.png'), 100, 80)).toEqual({
      width: null,
      height: null,
      problem: 'trimap is not a label: value 0 at pixel (1, 8) is not a trimap class (1 pet, 2 background, 3 border)',
    })
    writeFileSync(join(dir, 'short.png'), readFileSync(join(dir, 'tri.png')).subarray(0, 60))
    const short = await checkTrimap(join(dir, 'short.png'), 100, 80)
    expect(short).toMatchObject({ width: null, height: null })
    expect(short.problem).toMatch(/^trimap cannot be decoded \(damaged or truncated PNG\): /)
  })
})

describe('sharpMessage', () => {
  it('keeps the specific line of a libvips error', () => {
    expect(sharpMessage(new Error('VipsJpeg: premature end of JPEG image\nvips2png: unable to write'))).toBe(
      'premature end of JPEG image; vips2png: unable to write',
    )
    expect(sharpMessage(new Error('Warning treated as error due to failOn setting'))).toMatch(/corrupt image data/)
  })
})
