// The run's split on a generated Oxford-sized image list: the paper's seeded 90/10 of every decodable
// image with fractions of the whole dataset (nested, deterministic by seed), and the official split as before.
import { describe, expect, it } from 'vitest'
import { chooseManifest, type DatasetImage } from '../../../src/main/training/host/data/from-dataset'
import { paperSplit } from '../../../src/main/training/worker/data/sampling'

/** 7,390 images like the release: 3,680 trainval and 3,710 test, all labelled unless said otherwise. */
function oxford(over: (i: number) => Partial<DatasetImage> = () => ({})): DatasetImage[] {
  return Array.from({ length: 7390 }, (_, i) => ({
    id: i + 1,
    name: `img_${String(i).padStart(5, '0')}`,
    split: i < 3680 ? 'trainval' : 'test',
    labelled: true,
    broken: false,
    ...over(i),
  }))
}

const fraction = (f: number) => ({ mode: 'fraction', fraction: f }) as const

describe('the paper split', () => {
  const images = oxford()

  it('holds out 10 % of all 7,390 images and takes 1 / 10 / 90 % of the whole dataset', () => {
    const sizes = [0.01, 0.1, 0.9].map((f) => chooseManifest(images, 'finetune', fraction(f), 1, 'paper'))
    expect(sizes.map((c) => c.manifest.train.length)).toEqual([74, 739, 6651])
    expect(sizes.map((c) => c.manifest.eval.length)).toEqual([739, 739, 739])
    expect(sizes[0]).toMatchObject({ totalImages: 7390, labelledPool: 6651, problems: [] })
    // 90 % is the whole training side; nothing held out is trained on.
    const held = new Set(sizes[2]!.manifest.eval)
    expect(sizes[2]!.manifest.train.some((n) => held.has(n))).toBe(false)
    expect(new Set([...sizes[2]!.manifest.train, ...held]).size).toBe(7390)
  })

  it('nests 1 % ⊂ 10 % ⊂ 90 % for one seed', () => {
    const [a, b, c] = [0.01, 0.1, 0.9].map((f) => new Set(chooseManifest(images, 'finetune', fraction(f), 5, 'paper').manifest.train))
    expect([...a!].every((n) => b!.has(n))).toBe(true)
    expect([...b!].every((n) => c!.has(n))).toBe(true)
  })

  it('is the same for the same seed, whatever the order of the images, and another for another seed', () => {
    const one = chooseManifest(images, 'finetune', fraction(0.1), 3, 'paper').manifest
    expect(chooseManifest([...images].reverse(), 'finetune', fraction(0.1), 3, 'paper').manifest).toEqual(one)
    const other = chooseManifest(images, 'finetune', fraction(0.1), 4, 'paper').manifest
    expect(other.eval).not.toEqual(one.eval)
    expect(other.eval).toHaveLength(739)
  })

  it('splits only decodable images, ignores the release split, and pretrains on the training side only', () => {
    const some = oxford((i) => ({ broken: i % 1000 === 7, split: 'none' }))
    const fine = chooseManifest(some, 'finetune', fraction(0.9), 2, 'paper')
    expect(fine.totalImages).toBe(7382)
    expect([fine.manifest.train.length, fine.manifest.eval.length]).toEqual([6644, 738])
    const pre = chooseManifest(some, 'pretrain', undefined, 2, 'paper')
    expect(pre.manifest.train).toEqual(fine.manifest.train)
  })

  it('evaluates on the labelled held-out images and says when the training side lacks the labels asked for', () => {
    const half = oxford((i) => ({ labelled: i % 2 === 0 }))
    const c = chooseManifest(half, 'finetune', fraction(0.9), 1, 'paper')
    expect(c.problems.join()).toMatch(/90 % of the 7390 images is 6651, but the paper split's training side has only \d+ labelled images/)
    const small = chooseManifest(half, 'finetune', fraction(0.1), 1, 'paper')
    expect(small.problems).toEqual([])
    expect(small.manifest.train).toHaveLength(739)
    expect(small.manifest.eval.length).toBeGreaterThan(300)
    expect(small.manifest.eval.length).toBeLessThan(739)
    expect(chooseManifest(images, 'finetune', fraction(0.95), 1, 'paper').problems.join()).toMatch(/at most 90 %/)
  })

  it('paperSplit keeps at least one image out, and all of a tiny set in order', () => {
    expect(paperSplit([0, 1, 2, 3, 4], 1).test).toHaveLength(1)
    expect(paperSplit([0], 1)).toEqual({ train: [0], test: [] })
  })
})

describe('the official split (unchanged)', () => {
  const images = oxford()

  it('finetunes on a fraction of the labelled trainval pool and evaluates on the test split', () => {
    const c = chooseManifest(images, 'finetune', fraction(0.1), 1)
    expect(c).toMatchObject({ labelledPool: 3680, totalImages: 7390, problems: [] })
    expect([c.manifest.train.length, c.manifest.eval.length]).toEqual([368, 3710])
    expect(chooseManifest(images, 'finetune', fraction(0.1), 1, 'official')).toEqual(c)
    expect(chooseManifest(images, 'pretrain', undefined, 1).manifest.train).toHaveLength(3680)
  })

  it('without a test split, holds out a fixed 10 % of the labelled pool (the same for every seed)', () => {
    const none = oxford(() => ({ split: 'none' }))
    const a = chooseManifest(none, 'finetune', fraction(0.5), 1)
    const b = chooseManifest(none, 'finetune', fraction(0.5), 2)
    expect(a.manifest.eval).toHaveLength(739)
    expect(b.manifest.eval).toEqual(a.manifest.eval)
    expect(a.labelledPool).toBe(6651)
    // Pretraining has always used every image outside the test split.
    expect(chooseManifest(none, 'pretrain', undefined, 1).manifest.train).toHaveLength(7390)
  })
})
