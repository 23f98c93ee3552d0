// The one upsampler and writer of predictions (src/main/training/host/predicted-trimap.ts) on tiny
// hand-worked predictions: nearest-neighbour scaling to the image's size, and the PNG it saves.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { encodeTrimapPng } from '../../../src/main/dataset/trimap-file'
import { savePrediction, upsampleNearest } from '../../../src/main/training/host/predicted-trimap'

describe('upsampleNearest', () => {
  it('scales a 2×2 prediction to 4×2 keeping class ids', async () => {
    const t = await upsampleNearest(Uint8Array.of(1, 2, 3, 1), 2, 4, 2)
    expect(t).toEqual({ width: 4, height: 2, data: Uint8Array.of(1, 1, 2, 2, 3, 3, 1, 1) })
  })

  it('copies a prediction already at the image size', async () => {
    const ids = Uint8Array.of(3, 2, 1, 2)
    const t = await upsampleNearest(ids, 2, 2, 2)
    expect(t.data).toEqual(ids)
    expect(t.data).not.toBe(ids)
  })
})

describe('savePrediction', () => {
  it("writes the prediction at the image's size as the release's PNG, and the model's size when unknown", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-pred-'))
    try {
      const t = await savePrediction(join(dir, 'a.png'), Uint8Array.of(1, 2, 3, 1), 2, { width: 4, height: 2 })
      expect(t).toEqual({ width: 4, height: 2, data: Uint8Array.of(1, 1, 2, 2, 3, 3, 1, 1) })
      expect(readFileSync(join(dir, 'a.png'))).toEqual(encodeTrimapPng(t))
      const same = await savePrediction(join(dir, 'b.png'), Uint8Array.of(1, 2, 3, 1), 2, { width: null, height: null })
      expect([same.width, same.height]).toEqual([2, 2])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
