// Batching, seeded shuffles and the labelled-subset manifest.
import { beforeAll, describe, expect, it } from 'vitest'
import { epochOrder, holdOut, labelledSubset, toBatches } from '../../../src/main/training/worker/data/sampling'
import { arraySource, disposeBatch, makeBatch } from '../../../src/main/training/worker/data/source'
import { useWasm } from './helpers'

beforeAll(useWasm)

const pool = Array.from({ length: 200 }, (_, i) => i)

describe('labelledSubset', () => {
  it('is the same for the same seed and pool order, different for another seed', () => {
    const a = labelledSubset(pool, { fraction: 0.1 }, 7)
    const b = labelledSubset([...pool].reverse(), { fraction: 0.1 }, 7)
    expect(a.indices).toHaveLength(20)
    expect(b.indices).toEqual(a.indices)
    expect(labelledSubset(pool, { fraction: 0.1 }, 8).indices).not.toEqual(a.indices)
  })

  it('takes N images, at least one for tiny fractions', () => {
    expect(labelledSubset(pool, { count: 5 }, 1).indices).toHaveLength(5)
    expect(labelledSubset(pool, { fraction: 0.001 }, 1).indices).toHaveLength(1)
  })

  it('rejects more labels than the pool has, and bad fractions', () => {
    expect(() => labelledSubset(pool, { count: 201 }, 1)).toThrow(/only 200 have trimaps/)
    expect(() => labelledSubset(pool, { fraction: 0 }, 1)).toThrow(/fraction/)
    expect(() => labelledSubset([], { count: 1 }, 1)).toThrow(/empty/)
  })
})

describe('epochs and batches', () => {
  it('shuffles per epoch, reproducibly', () => {
    const e0 = epochOrder(pool, 3, 0)
    expect(epochOrder(pool, 3, 0)).toEqual(e0)
    expect(epochOrder(pool, 3, 1)).not.toEqual(e0)
    expect([...e0].sort((a, b) => a - b)).toEqual(pool)
  })

  it('splits into batches with an optional short last batch', () => {
    expect(toBatches([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(toBatches([1, 2, 3, 4, 5], 2, true)).toEqual([[1, 2], [3, 4]])
  })

  it('holds out a seeded, disjoint test part', () => {
    const { train, test } = holdOut(pool, 0.1, 1)
    expect(test).toHaveLength(20)
    expect(train).toHaveLength(180)
    expect(train.some((i) => test.includes(i))).toBe(false)
  })
})

describe('makeBatch', () => {
  const img = (v: number): Uint8Array => new Uint8Array(2 * 2 * 3).fill(v)
  const src = arraySource(2, [img(0), img(255)], [Uint8Array.from([1, 2, 3, 0]), Uint8Array.from([2, 2, 2, 2])])

  it('scales pixels to [0,1] and one-hot encodes trimap ids (0 = unlabelled = all zeros)', () => {
    const b = makeBatch(src, [1, 0], true)
    expect(b.x.shape).toEqual([2, 2, 2, 3])
    expect(b.x.dataSync()[0]).toBe(1)
    expect(b.x.dataSync()[12]).toBe(0)
    expect(Array.from(b.y!.dataSync().slice(12, 24))).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0])
    expect(Array.from(b.ids!)).toEqual([2, 2, 2, 2, 1, 2, 3, 0])
    disposeBatch(b)
  })

  it('rejects images of the wrong size, missing trimaps and unknown class ids', () => {
    const bad = arraySource(2, [new Uint8Array(5)])
    expect(() => makeBatch(bad, [0], false)).toThrow(/expected 12/)
    expect(() => makeBatch(arraySource(2, [img(1)]), [0], true)).toThrow(/no trimap/)
    expect(() => makeBatch(arraySource(2, [img(1), img(2)], [Uint8Array.from([1, 2, 3, 0]), Uint8Array.from([1, 3, 7, 4])]), [0, 1], true)).toThrow(
      'trimap 1 has class id 7 at pixel 2 (expected 0–3)',
    )
  })
})
