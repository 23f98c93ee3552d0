// The web binding's decoders against messages built by an attacker: sizes the sender claims are
// checked (each trimap against width × height, all blobs against a per-message budget) before any
// blob is made, so a few hundred bytes cannot make the server allocate gigabytes.
import { describe, expect, it } from 'vitest'
import { decodeWire, decodeWireBinary, encodeRuns, encodeWire, encodeWireBinary, MAX_DECODED_BYTES } from '../../src/shared/wire'

/** A binary-framed message from a hand-written JSON part and the bytes that follow it. */
function framed(head: unknown, tail: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(head))
  const out = new Uint8Array(4 + json.length + tail.length)
  new DataView(out.buffer).setUint32(0, json.length, true)
  out.set(json, 4)
  out.set(tail, 4 + json.length)
  return out
}

/** One run of 2^28 bytes of value 2 (the count as a 5-byte varint), made without making the bytes. */
const HUGE_RUN = Uint8Array.from([2, 0x80, 0x80, 0x80, 0x80, 0x01])

/** A few bytes of runs: one run of `count` bytes of value 2. */
const oneRun = (count: number): Uint8Array => encodeRuns(new Uint8Array(count).fill(2), 8)!

describe('decodeWireBinary limits', () => {
  it('refuses eight run-length references to the same 5 bytes that claim 2^28 bytes each', () => {
    const runs = HUGE_RUN
    const ref = { $rle: [0, runs.length, 2 ** 28] }
    const head = { imageId: 1, trimap: { width: 16_384, height: 16_384, data: ref }, a: ref, b: ref, c: ref, d: ref, e: ref, f: ref, g: ref }
    const msg = framed(head, runs)
    expect(msg.length).toBeLessThan(400)
    expect(() => decodeWireBinary(msg)).toThrow(`b brings the message to ${2 ** 29} bytes, over the limit of ${MAX_DECODED_BYTES} bytes per message`)
  })

  it('checks every claim before expanding any blob', () => {
    // The first blob is broken (its runs hold 1000 bytes, it claims 10): a decoder that expanded as
    // it went would stop there; one that sums the claims first refuses the over-budget total.
    const runs = oneRun(1000)
    const msg = framed({ first: { $rle: [0, runs.length, 10] }, second: { $rle: [0, runs.length, 2 ** 28] } }, runs)
    expect(() => decodeWireBinary(msg)).toThrow(/second brings the message to 268435466 bytes, over the limit/)
  })

  it("refuses a trimap whose data claims more than width × height, naming the field", () => {
    const runs = oneRun(2 ** 20)
    const msg = framed({ imageId: 1, trimap: { width: 2, height: 2, data: { $rle: [0, runs.length, 2 ** 20] } } }, runs)
    expect(() => decodeWireBinary(msg)).toThrow('trimap.data claims 1048576 bytes but a 2×2 trimap holds 4')
  })

  it('counts raw blobs too: many references to the same bytes are each a copy', () => {
    const ref = { $bin: [0, 100] }
    const msg = framed({ a: ref, b: ref, c: ref, d: ref }, new Uint8Array(100))
    expect(() => decodeWireBinary(msg, 300)).toThrow(/d brings the message to 400 bytes, over the limit of 300/)
    expect(decodeWireBinary<{ c: Uint8Array }>(msg, 400).c).toHaveLength(100)
  })

  it('still decodes a message within the limits, and a blob at the top level', () => {
    const data = new Uint8Array(64 * 64).fill(1)
    const back = decodeWireBinary<{ trimap: { data: Uint8Array } }>(encodeWireBinary({ trimap: { width: 64, height: 64, data } }))
    expect(back.trimap.data).toEqual(data)
    expect(decodeWireBinary(encodeWireBinary(data))).toEqual(data)
  })
})

describe('decodeWire (base64) limits', () => {
  it('holds base64 blobs to the same budget and trimap size check', () => {
    const text = encodeWire({ a: new Uint8Array(300), b: new Uint8Array(300) })
    expect(() => decodeWire(text, 500)).toThrow(/b brings the message to 600 bytes, over the limit of 500/)
    const trimap = encodeWire({ trimap: { width: 3, height: 3, data: new Uint8Array(10) } })
    expect(() => decodeWire(trimap)).toThrow('trimap.data claims 10 bytes but a 3×3 trimap holds 9')
  })

  it('keeps a key named __proto__ a plain property, as JSON.parse does', () => {
    const back = decodeWire<Record<string, unknown>>('{"__proto__":{"$u8":"AQID"}}')
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual(Uint8Array.from([1, 2, 3]))
  })
})
