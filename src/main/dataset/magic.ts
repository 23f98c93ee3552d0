// Image format from the file's first bytes: the release has PNG and GIF files named .jpg.
import type { ImageFormat } from '../../shared/types/dataset'

function startsWith(buf: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (buf.length < at + sig.length) return false
  return sig.every((b, i) => buf[at + i] === b)
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0))

export function sniffFormat(buf: Uint8Array): ImageFormat {
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return 'jpeg'
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png'
  if (startsWith(buf, ascii('GIF87a')) || startsWith(buf, ascii('GIF89a'))) return 'gif'
  if (startsWith(buf, ascii('RIFF')) && startsWith(buf, ascii('WEBP'), 8)) return 'webp'
  if (startsWith(buf, [0x49, 0x49, 0x2a, 0x00]) || startsWith(buf, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff'
  return 'unknown'
}

const EXT_FORMAT: Record<string, ImageFormat> = {
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.png': 'png',
  '.gif': 'gif',
  '.webp': 'webp',
  '.tif': 'tiff',
  '.tiff': 'tiff',
}

/** Extensions the scanner treats as images (anything else in images/ is skipped). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(Object.keys(EXT_FORMAT))

export function formatFromExtension(ext: string): ImageFormat {
  return EXT_FORMAT[ext.toLowerCase()] ?? 'unknown'
}

export const FORMAT_NAMES: Record<ImageFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  gif: 'GIF',
  webp: 'WebP',
  tiff: 'TIFF',
  unknown: 'unknown',
}

export const FORMAT_MIME: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  tiff: 'image/tiff',
  unknown: 'application/octet-stream',
}
