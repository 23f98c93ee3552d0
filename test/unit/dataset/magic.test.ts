// Real format from magic bytes, whatever the extension says.
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { formatProblem, hasJpegEnd } from '../../../src/main/dataset/decode'
import { sniffFormat } from '../../../src/main/dataset/magic'

const pixels = { raw: { width: 8, height: 6, channels: 3 as const } }
const img = () => sharp(Buffer.alloc(8 * 6 * 3, 128), pixels)

describe('sniffFormat', () => {
  it('recognises files written by an encoder', async () => {
    expect(sniffFormat(await img().jpeg().toBuffer())).toBe('jpeg')
    expect(sniffFormat(await img().png().toBuffer())).toBe('png')
    expect(sniffFormat(await img().gif().toBuffer())).toBe('gif')
    expect(sniffFormat(await img().webp().toBuffer())).toBe('webp')
    expect(sniffFormat(await img().tiff().toBuffer())).toBe('tiff')
  })

  it('says unknown for other bytes, short files and empty files', () => {
    expect(sniffFormat(Buffer.from('MATLAB 5.0 MAT-file'))).toBe('unknown')
    expect(sniffFormat(Buffer.from([0xff, 0xd8]))).toBe('unknown')
    expect(sniffFormat(new Uint8Array(0))).toBe('unknown')
    expect(sniffFormat(Buffer.from('RIFF\0\0\0\0WAVE'))).toBe('unknown')
  })
})

describe('formatProblem', () => {
  it('flags a PNG or GIF named .jpg, not a JPEG named .jpeg', () => {
    expect(formatProblem('.jpg', 'png')).toBe('file is PNG but named .jpg')
    expect(formatProblem('.jpg', 'gif')).toBe('file is GIF but named .jpg')
    expect(formatProblem('.JPEG', 'jpeg')).toBeNull()
    expect(formatProblem('.jpg', 'unknown')).toBeNull()
  })
})

describe('hasJpegEnd', () => {
  it('tells a complete JPEG from a truncated one', async () => {
    const jpg = await img().jpeg().toBuffer()
    expect(hasJpegEnd(jpg)).toBe(true)
    expect(hasJpegEnd(Buffer.concat([jpg, Buffer.alloc(4)]))).toBe(true)
    expect(hasJpegEnd(jpg.subarray(0, jpg.length - 10))).toBe(false)
  })
})
