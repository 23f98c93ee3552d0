// The web binding's binary framing: trimaps travel run-length encoded when that is smaller, anything
// else raw, and a message whose runs do not add up is refused rather than decoded into garbage.
import { describe, expect, it } from 'vitest'
import { decodeRuns, decodeWireBinary, encodeRuns, encodeWireBinary } from '../../src/shared/wire'

/** A 1000×1000 trimap like the editor saves: background, a pet disc, a border ring. */
function discTrimap(): Uint8Array {
  const w = 1000
  const data = new Uint8Array(w * w)
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < w; x++) {
      const d = Math.hypot(x - 480, y - 520)
      data[y * w + x] = d < 300 ? 1 : d < 310 ? 3 : 2
    }
  }
  return data
}

// Byte-wise, because a deep toEqual over a megabyte takes seconds.
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b))

/** The framing's JSON part, to see which form a blob took. */
function headOf(bytes: Uint8Array): string {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true)
  return new TextDecoder().decode(bytes.subarray(4, 4 + n))
}

describe('run-length framing', () => {
  it('sends a 1000×1000 trimap in a few kilobytes and gives back the same bytes', () => {
    const data = discTrimap()
    const msg = encodeWireBinary({ imageId: 3, trimap: { width: 1000, height: 1000, data } })
    expect(headOf(msg)).toContain('"$rle"')
    expect(msg.length).toBeLessThan(40_000)
    const back = decodeWireBinary<{ imageId: number; trimap: { width: number; data: Uint8Array } }>(msg)
    expect(back.imageId).toBe(3)
    expect(same(back.trimap.data, data)).toBe(true)
  })

  it('sends bytes raw when runs would not halve them, and small blobs raw always', () => {
    const noise = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 251)
    const small = new Uint8Array(100).fill(2)
    const msg = encodeWireBinary({ noise, small })
    expect(headOf(msg)).not.toContain('"$rle"')
    expect(decodeWireBinary(msg)).toEqual({ noise, small })
  })

  it('encodes runs longer than one varint byte and round-trips every length at the edges', () => {
    for (const n of [1, 127, 128, 129, 16_383, 16_384, 300_000]) {
      const bytes = new Uint8Array(n + 2).fill(1)
      bytes[0] = 3
      bytes[n + 1] = 2
      const runs = encodeRuns(bytes, 64)!
      expect(same(decodeRuns(runs, bytes.length), bytes)).toBe(true)
    }
    expect(encodeRuns(Uint8Array.from([1, 2, 3, 1, 2, 3]), 8)).toBeNull()
  })

  it('refuses runs that add up to more or fewer bytes than the message says, or a huge size', () => {
    const runs = encodeRuns(new Uint8Array(5000).fill(2), 2500)!
    expect(() => decodeRuns(runs, 4999)).toThrow(/more bytes/)
    expect(() => decodeRuns(runs, 5001)).toThrow(/5000 bytes, not 5001/)
    expect(() => decodeRuns(Uint8Array.from([2, 0x80]), 10)).toThrow(/cut short/)
    const msg = encodeWireBinary({ data: new Uint8Array(5000).fill(2) })
    const forged = new TextEncoder().encode(headOf(msg).replace('5000]', `${2 ** 30}]`))
    const bad = new Uint8Array(4 + forged.length + runs.length)
    new DataView(bad.buffer).setUint32(0, forged.length, true)
    bad.set(forged, 4)
    bad.set(runs, 4 + forged.length)
    expect(() => decodeWireBinary(bad)).toThrow(/data brings the message to 1073741824 bytes, over the limit/)
  })
})
