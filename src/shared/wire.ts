// JSON encoding for the web binding: Uint8Array (trimaps) travels as base64, everything else as JSON.
// Electron's structured clone carries Uint8Array natively, so only HTTP needs this.
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

export function decodeWire<T = unknown>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && TAG in v && Object.keys(v).length === 1) {
      return fromBase64((v as Record<string, string>)[TAG]!)
    }
    return v
  }) as T
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

export function decodeWireBinary<T = unknown>(bytes: Uint8Array): T {
  if (bytes.length < 4) throw new Error('binary message shorter than its header')
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true)
  const base = 4 + headLength
  if (base > bytes.length) throw new Error('binary message shorter than its JSON part')
  const json = new TextDecoder().decode(bytes.subarray(4, base))
  return JSON.parse(json, (_key, v: unknown) => {
    if (!v || typeof v !== 'object' || Object.keys(v).length !== 1) return v
    const tag = BIN in v ? BIN : RLE in v ? RLE : null
    if (!tag) return v
    const ref = (v as Record<string, unknown>)[tag]
    const [offset, length, size] = Array.isArray(ref) ? (ref as unknown[]) : []
    if (!isCount(offset) || !isCount(length) || base + offset + length > bytes.length) {
      throw new Error('binary message refers to bytes it does not hold')
    }
    const blob = bytes.subarray(base + offset, base + offset + length)
    if (tag === BIN) return blob.slice()
    // The size is the sender's word: capped at the largest trimap the contract allows (16384², see
    // MAX_TRIMAP_SIDE in api.ts), so a tiny message cannot make the reader allocate gigabytes.
    if (!isCount(size) || size > 2 ** 28) throw new Error('run-length blob has no valid size')
    return decodeRuns(blob, size)
  }) as T
}
