// JSON encoding for the web binding: Uint8Array (trimaps) travels as base64, everything else as JSON.
// Electron's structured clone carries Uint8Array natively, so only HTTP needs this.
import { MAX_TRIMAP_SIDE } from './api'

const TAG = '$u8'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const ENC = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0))
const DEC = new Uint8Array(256).fill(255)
ENC.forEach((code, i) => (DEC[code] = i))
const PAD = 61 // '='

// Table-driven rather than btoa/atob over a binary string: a 1000×1000 trimap took 80–300 ms to
// encode that way (string building), a save's whole budget; this takes a few ms in Node and Chromium.
export function toBase64(bytes: Uint8Array): string {
  const n = bytes.length
  const out = new Uint8Array(Math.ceil(n / 3) * 4)
  let o = 0
  let i = 0
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out[o++] = ENC[v >> 18]!
    out[o++] = ENC[(v >> 12) & 63]!
    out[o++] = ENC[(v >> 6) & 63]!
    out[o++] = ENC[v & 63]!
  }
  if (i < n) {
    const two = i + 1 < n
    const v = (bytes[i]! << 16) | ((two ? bytes[i + 1]! : 0) << 8)
    out[o++] = ENC[v >> 18]!
    out[o++] = ENC[(v >> 12) & 63]!
    out[o++] = two ? ENC[(v >> 6) & 63]! : PAD
    out[o++] = PAD
  }
  return new TextDecoder().decode(out)
}

/** Strict: padded, no whitespace; anything else throws (the web binding then answers BAD_INPUT). */
export function fromBase64(b64: string): Uint8Array {
  const len = b64.length
  if (len % 4 !== 0) throw new Error('base64 text length is not a multiple of 4')
  const pad = len === 0 ? 0 : b64.charCodeAt(len - 1) !== PAD ? 0 : b64.charCodeAt(len - 2) === PAD ? 2 : 1
  const out = new Uint8Array((len / 4) * 3 - pad)
  const val = (i: number): number => {
    const c = b64.charCodeAt(i)
    const d = c < 256 ? DEC[c]! : 255
    if (d === 255) throw new Error(`invalid base64 character at ${i}`)
    return d
  }
  let o = 0
  const full = pad ? len - 4 : len
  for (let i = 0; i < full; i += 4) {
    const v = (val(i) << 18) | (val(i + 1) << 12) | (val(i + 2) << 6) | val(i + 3)
    out[o++] = v >> 16
    out[o++] = (v >> 8) & 255
    out[o++] = v & 255
  }
  if (pad) {
    const v = (val(full) << 18) | (val(full + 1) << 12) | (pad === 1 ? val(full + 2) << 6 : 0)
    out[o++] = v >> 16
    if (pad === 1) out[o++] = (v >> 8) & 255
  }
  return out
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Uint8Array ? { [TAG]: toBase64(v) } : v,
  )
}

export function decodeWire<T = unknown>(text: string, budget = MAX_DECODED_BYTES): T {
  return reviveBlobs(JSON.parse(text), budget, (v, where) => {
    if (Object.keys(v).length !== 1 || !(TAG in v)) return null
    const b64 = (v as Record<string, unknown>)[TAG]
    if (typeof b64 !== 'string') throw new Error(`${where} holds no base64 text`)
    return { size: base64Size(b64), make: () => fromBase64(b64) }
  }) as T
}

/** Bytes that padded base64 text stands for, without decoding it (fromBase64 checks the text). */
function base64Size(b64: string): number {
  const len = b64.length
  const pad = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0
  return Math.max(0, Math.floor(len / 4) * 3 - pad)
}

/**
 * Most bytes one message may decode into, all its blobs together: one trimap of the largest size the
 * contract accepts. A blob's size is the sender's word (a run-length blob of 5 bytes may claim any
 * size, and many references may share those bytes), so sizes are checked before anything is made.
 */
export const MAX_DECODED_BYTES = MAX_TRIMAP_SIDE * MAX_TRIMAP_SIDE

/** A blob reference found in a parsed message: the size it claims, and how to make its bytes. */
interface BlobRef {
  size: number
  make: () => Uint8Array
}
type FindRef = (v: object, where: string) => BlobRef | null

/**
 * Replaces each blob reference in a parsed message by its bytes. Every reference is found and
 * checked first (a trimap's against its width × height, all of them together against `budget`), so
 * a message that claims too much is refused before a single blob is allocated.
 */
function reviveBlobs(root: unknown, budget: number, findRef: FindRef): unknown {
  const top = { message: root }
  const found: { holder: object; key: string; ref: BlobRef }[] = []
  const stack: { holder: object; path: string }[] = [{ holder: top, path: '' }]
  let total = 0
  while (stack.length > 0) {
    const { holder, path } = stack.pop()!
    for (const [key, v] of Object.entries(holder)) {
      if (!v || typeof v !== 'object') continue
      const where = path ? `${path}.${key}` : key
      const ref = findRef(v as object, where)
      if (!ref) {
        stack.push({ holder: v as object, path: holder === top ? '' : where })
        continue
      }
      checkTrimapSize(holder, key, ref.size, where)
      total += ref.size
      if (total > budget) {
        throw new Error(`${where} brings the message to ${total} bytes, over the limit of ${budget} bytes per message`)
      }
      found.push({ holder, key, ref })
    }
  }
  // defineProperty, as JSON.parse does: a key named "__proto__" stays a plain property.
  for (const { holder, key, ref } of found) {
    Object.defineProperty(holder, key, { value: ref.make(), writable: true, enumerable: true, configurable: true })
  }
  return top.message
}

/** A trimap ({width, height, data}) must claim exactly width × height bytes for its data. */
function checkTrimapSize(holder: object, key: string, size: number, where: string): void {
  const { width, height } = holder as { width?: unknown; height?: unknown }
  if (key !== 'data' || typeof width !== 'number' || typeof height !== 'number') return
  if (size !== width * height) {
    throw new Error(`${where} claims ${size} bytes but a ${width}×${height} trimap holds ${width * height}`)
  }
}

/**
 * Binary framing for the web binding's calls, so a 1000×1000 trimap travels as bytes rather than as
 * base64 text: [uint32 LE: JSON length][JSON][bytes…], where each Uint8Array in the JSON is replaced
 * by {"$bin":[offset,length]} into the bytes that follow, or by {"$rle":[offset,length,size]} when
 * its run-length form (see encodeRuns) is under half its size. A trimap is a few thousand runs, so a
 * save sends ~15 kB instead of 1 MB: no megabyte to copy through Chromium's network process, the
 * socket and the server's body buffer.
 */
export const WIRE_BINARY_TYPE = 'application/x-workbench-wire'
const BIN = '$bin'
const RLE = '$rle'
/** Blobs smaller than this go raw: their run-length form would save nothing worth a scan. */
const RLE_MIN_BYTES = 4096

/**
 * Runs of equal bytes as [value][count as LEB128 varint]…; null as soon as the runs would take more
 * than `limit` bytes (noise, photos), so a blob that does not shrink costs one partial scan.
 */
export function encodeRuns(bytes: Uint8Array, limit: number): Uint8Array | null {
  const n = bytes.length
  const out = new Uint8Array(limit)
  let o = 0
  let i = 0
  while (i < n) {
    const v = bytes[i]!
    let j = i + 1
    while (j < n && bytes[j] === v) j++
    let count = j - i
    // A value byte plus at most 5 varint bytes for a count below 2^35.
    if (o + 6 > limit) return null
    out[o++] = v
    while (count > 127) {
      out[o++] = (count & 127) | 128
      count = Math.floor(count / 128)
    }
    out[o++] = count
    i = j
  }
  return out.subarray(0, o)
}

/** Inverse of encodeRuns; throws when the runs do not add up to exactly `size` bytes. */
export function decodeRuns(runs: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size)
  let o = 0
  let i = 0
  while (i < runs.length) {
    const v = runs[i++]!
    let count = 0
    let scale = 1
    for (;;) {
      if (i >= runs.length || scale > 2 ** 35) throw new Error('run-length data is cut short or malformed')
      const b = runs[i++]!
      count += (b & 127) * scale
      scale *= 128
      if (b < 128) break
    }
    if (count === 0 || o + count > size) throw new Error('run-length data holds more bytes than it says')
    out.fill(v, o, o + count)
    o += count
  }
  if (o !== size) throw new Error(`run-length data holds ${o} bytes, not ${size}`)
  return out
}

export function encodeWireBinary(value: unknown): Uint8Array<ArrayBuffer> {
  const blobs: Uint8Array[] = []
  let size = 0
  const json =
    JSON.stringify(value, (_key, v: unknown) => {
      if (!(v instanceof Uint8Array)) return v
      const runs = v.length >= RLE_MIN_BYTES ? encodeRuns(v, v.length >> 1) : null
      const blob = runs ?? v
      const ref = runs ? { [RLE]: [size, runs.length, v.length] } : { [BIN]: [size, v.length] }
      blobs.push(blob)
      size += blob.length
      return ref
    }) ?? 'null'
  const head = new TextEncoder().encode(json)
  const out = new Uint8Array(4 + head.length + size)
  new DataView(out.buffer).setUint32(0, head.length, true)
  out.set(head, 4)
  let at = 4 + head.length
  for (const b of blobs) {
    out.set(b, at)
    at += b.length
  }
  return out
}

const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0

export function decodeWireBinary<T = unknown>(bytes: Uint8Array, budget = MAX_DECODED_BYTES): T {
  if (bytes.length < 4) throw new Error('binary message shorter than its header')
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true)
  const base = 4 + headLength
  if (base > bytes.length) throw new Error('binary message shorter than its JSON part')
  const json = new TextDecoder().decode(bytes.subarray(4, base))
  return reviveBlobs(JSON.parse(json), budget, (v, where) => {
    if (Object.keys(v).length !== 1) return null
    const tag = BIN in v ? BIN : RLE in v ? RLE : null
    if (!tag) return null
    const ref = (v as Record<string, unknown>)[tag]
    const [offset, length, size] = Array.isArray(ref) ? (ref as unknown[]) : []
    if (!isCount(offset) || !isCount(length) || base + offset + length > bytes.length) {
      throw new Error(`${where}: binary message refers to bytes it does not hold`)
    }
    const blob = bytes.subarray(base + offset, base + offset + length)
    if (tag === BIN) return { size: length, make: () => blob.slice() }
    if (!isCount(size)) throw new Error(`${where}: run-length blob has no valid size`)
    return { size, make: () => decodeRuns(blob, size) }
  }) as T
}
