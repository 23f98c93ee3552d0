// Per-image checks of the indexer: real format by magic bytes, size, a full decode (which also writes
// the thumbnail), and the non-fatal problems a user should see.
import sharp from 'sharp'
import { readFile, rm } from 'node:fs/promises'
import { trimapDataProblem } from '../../shared/api'
import type { Trimap } from '../../shared/trimap'
import type { ImageFormat } from '../../shared/types/dataset'
import { decodeTrimap, writeThumb } from './image-cache'
import { FORMAT_NAMES, formatFromExtension, sniffFormat } from './magic'

export interface DecodeResult {
  format: ImageFormat
  width: number | null
  height: number | null
  /** Why the image cannot be used, or null when it decoded. */
  brokenReason: string | null
}

/** Never throws for a bad image: a corrupt file is a result, not an error. */
export async function decodeImage(file: string, thumbOut: string): Promise<DecodeResult> {
  let buf: Buffer
  try {
    buf = await readFile(file)
  } catch (err) {
    return { format: 'unknown', width: null, height: null, brokenReason: `cannot read file: ${(err as Error).message}` }
  }
  if (buf.length === 0) return { format: 'unknown', width: null, height: null, brokenReason: 'empty file' }
  const format = sniffFormat(buf)
  if (format === 'unknown') {
    const head = [...buf.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')
    return { format, width: null, height: null, brokenReason: `not an image (file starts with bytes ${head})` }
  }
  let width: number | null = null
  let height: number | null = null
  try {
    const meta = await sharp(buf).metadata()
    width = meta.width ?? null
    height = meta.height ?? null
    await writeThumb(buf, thumbOut, format === 'jpeg')
    return { format, width, height, brokenReason: null }
  } catch (err) {
    await rm(thumbOut, { force: true })
    const why = format === 'jpeg' && !hasJpegEnd(buf) ? 'truncated (the file ends before its end-of-image marker)' : sharpMessage(err)
    return { format, width, height, brokenReason: `cannot decode ${FORMAT_NAMES[format]}: ${why}` }
  }
}

/** A complete JPEG ends with FF D9 (some writers pad a few zero bytes after it). */
export function hasJpegEnd(buf: Uint8Array): boolean {
  let end = buf.length
  while (end > 2 && buf.length - end < 64 && buf[end - 1] === 0) end--
  return end >= 2 && buf[end - 2] === 0xff && buf[end - 1] === 0xd9
}

const GENERIC = 'Warning treated as error due to failOn setting'

/** libvips' message without loader prefixes; its generic failOn line alone says too little. */
export function sharpMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err)
  const lines = [...new Set(msg.split('\n').map((l) => l.replace(/^Vips\w+: /, '').trim()).filter(Boolean))]
  const specific = lines.filter((l) => l !== GENERIC)
  if (specific.length > 0) return specific.join('; ')
  return lines.length > 0 ? 'corrupt image data (the decoder reported an error)' : 'unknown decoder error'
}

/** "file is PNG but named .jpg" — the release has such files; they decode fine. */
export function formatProblem(ext: string, format: ImageFormat): string | null {
  const expected = formatFromExtension(ext)
  if (format === 'unknown' || expected === format) return null
  return `file is ${FORMAT_NAMES[format]} but named ${ext}`
}

export interface TrimapCheck {
  /** Null when the file is not a usable label (unreadable, not a PNG, undecodable, values other than 1/2/3). */
  width: number | null
  height: number | null
  problem: string | null
}

/**
 * Decodes the whole trimap (≈1–2 ms for the release's sizes) so that a truncated PNG or a value other
 * than a class id is found when the file is indexed, not when a run reads it. A size that differs from
 * the image's is a problem but still a label: training resizes both.
 */
export async function checkTrimap(file: string, imgW: number | null, imgH: number | null): Promise<TrimapCheck> {
  let buf: Buffer
  try {
    buf = await readFile(file)
  } catch (err) {
    return unusable(`trimap cannot be read: ${(err as Error).message}`)
  }
  const format = sniffFormat(buf)
  if (format !== 'png') {
    return unusable(format === 'unknown' ? 'trimap is not a PNG file' : `trimap is ${FORMAT_NAMES[format]}, not PNG`)
  }
  if (buf.length < 24 || buf.toString('latin1', 12, 16) !== 'IHDR') return unusable('trimap cannot be read: damaged PNG header')
  let trimap: Trimap
  try {
    trimap = await decodeTrimap(buf)
  } catch (err) {
    return unusable(`trimap cannot be decoded (damaged or truncated PNG): ${sharpMessage(err)}`)
  }
  const bad = trimapDataProblem(trimap)
  if (bad) return unusable(`trimap is not a label: ${bad}`)
  const { width: w, height: h } = trimap
  const mismatch = imgW !== null && imgH !== null && (w !== imgW || h !== imgH)
  return { width: w, height: h, problem: mismatch ? `trimap is ${w}×${h} but the image is ${imgW}×${imgH}` : null }
}

const unusable = (problem: string): TrimapCheck => ({ width: null, height: null, problem })
