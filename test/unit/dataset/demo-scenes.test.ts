// The demo pictures teach what real pet photos teach: breeds differ in shape and coat texture, not in
// colour; distractors and occluders are background in the trimap. Scenes are drawn in memory.
import { describe, expect, it } from 'vitest'
import { BREEDS, BREEDS_BY_NAME } from '../../../src/main/dataset/breeds'
import { drawPet, type PetScene } from '../../../src/main/dataset/demo/draw'
import { deriveSeed, mulberry32 } from '../../../src/main/dataset/demo/prng'

const scene = (breed: string, k: number): PetScene => drawPet(BREEDS_BY_NAME.get(breed)!, mulberry32(deriveSeed(5, k)))

const lumAt = (s: PetScene, i: number): number => 0.3 * s.rgb[i * 3]! + 0.59 * s.rgb[i * 3 + 1]! + 0.11 * s.rgb[i * 3 + 2]!

/** Mean RGB of the visible pet (trimap 1). */
function petColour(s: PetScene): number[] {
  const c = [0, 0, 0]
  let n = 0
  for (let i = 0; i < s.trimap.length; i++) {
    if (s.trimap[i] !== 1) continue
    n++
    for (let j = 0; j < 3; j++) c[j]! += s.rgb[i * 3 + j]!
  }
  return c.map((v) => v / n)
}

/**
 * Colour-free texture statistics of the pet: the mean luminance step over a lag of 1/40 of the pet's
 * size, over the luminance spread (fine flecks and spots score high, large patches low), and the
 * spread over the mean. The lag follows the pet's size so a close-up scores like a distant pet.
 */
function texture(s: PetScene, where: Uint8Array = s.trimap, value = 1): number[] {
  const w = s.width
  let n = 0
  let sum = 0
  let sum2 = 0
  for (let i = 0; i < where.length; i++) {
    if (where[i] !== value) continue
    const l = lumAt(s, i)
    n++
    sum += l
    sum2 += l * l
  }
  const lag = Math.max(2, Math.round(Math.sqrt(n) / 40))
  let step = 0
  let steps = 0
  for (let i = 0; i < where.length; i++) {
    if (where[i] !== value || (i % w) + lag >= w || where[i + lag] !== value) continue
    step += Math.abs(lumAt(s, i + lag) - lumAt(s, i))
    steps++
  }
  const mean = sum / n
  const sd = Math.sqrt(Math.max(0, sum2 / n - mean * mean)) + 1e-6
  return [step / steps / sd, sd / mean]
}

/** Silhouette statistics from the trimap: box aspect, box fill, outline per size, share in the top quarter. */
function shape(s: PetScene): number[] {
  const w = s.width
  let [x0, y0, x1, y1, n, band] = [w, s.height, 0, 0, 0, 0]
  for (let i = 0; i < s.trimap.length; i++) {
    if (s.trimap[i] === 3) band++
    if (s.trimap[i] !== 1) continue
    const x = i % w
    const y = (i - x) / w
    ;[x0, x1, y0, y1, n] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y), n + 1]
  }
  let top = 0
  for (let i = 0; i < s.trimap.length; i++) if (s.trimap[i] === 1 && i / w < y0 + (y1 - y0) / 4) top++
  return [(x1 - x0) / (y1 - y0), n / ((x1 - x0) * (y1 - y0)), band / Math.sqrt(n), top / n]
}

/** Leave-one-out nearest-centroid accuracy of standardised features. */
function nearestCentroid(rows: { label: number; x: number[] }[]): number {
  const dim = rows[0]!.x.length
  const mu = Array.from({ length: dim }, (_, j) => rows.reduce((a, r) => a + r.x[j]!, 0) / rows.length)
  const sd = mu.map((m, j) => Math.sqrt(rows.reduce((a, r) => a + (r.x[j]! - m) ** 2, 0) / rows.length) || 1)
  const z = rows.map((r) => ({ label: r.label, x: r.x.map((v, j) => (v - mu[j]!) / sd[j]!) }))
  const labels = [...new Set(z.map((r) => r.label))]
  let right = 0
  z.forEach((q, qi) => {
    let best = -1
    let bestD = Infinity
    for (const label of labels) {
      const mine = z.filter((r, ri) => r.label === label && ri !== qi)
      const d = q.x.reduce((a, v, j) => a + (v - mine.reduce((s, r) => s + r.x[j]!, 0) / mine.length) ** 2, 0)
      if (d < bestD) [best, bestD] = [label, d]
    }
    if (best === q.label) right++
  })
  return right / z.length
}

/** Over the pixels where `where` is set: how many, how many are pet and how many background in the trimap. */
function tally(s: PetScene, where: Uint8Array): [number, number, number] {
  const counts = [0, 0, 0, 0]
  let n = 0
  for (let i = 0; i < where.length; i++) {
    if (!where[i]) continue
    n++
    counts[s.trimap[i]!]!++
  }
  return [n, counts[1]!, counts[2]!]
}

const dist = (a: number[], b: number[]): number => Math.hypot(...a.map((v, j) => v - b[j]!))
const average = (xs: number[][]): number[] => xs[0]!.map((_, j) => xs.reduce((a, x) => a + x[j]!, 0) / xs.length)

describe('demo scenes', () => {
  it('are the same for the same rng seed and differ for another', () => {
    const a = scene('Bengal', 1)
    const b = scene('Bengal', 1)
    const c = scene('Bengal', 2)
    expect(Buffer.from(a.rgb).equals(Buffer.from(b.rgb))).toBe(true)
    expect(Buffer.from(a.trimap).equals(Buffer.from(b.trimap))).toBe(true)
    expect(Buffer.from(a.rgb).equals(Buffer.from(c.rgb))).toBe(false)
  })

  it('tell a finely spotted breed from a patched one by texture, not by colour', () => {
    const fine = Array.from({ length: 16 }, (_, k) => scene('english_setter', k))
    const patched = Array.from({ length: 16 }, (_, k) => scene('american_bulldog', 100 + k))
    const [cf, cp] = [fine.map(petColour), patched.map(petColour)]
    const between = dist(average(cf), average(cp))
    const within = [...cf.map((c) => dist(c, average(cf))), ...cp.map((c) => dist(c, average(cp)))]
    // Colour cannot separate them: one image's colour strays from its breed's average further than
    // the two averages lie apart.
    expect(within.reduce((a, v) => a + v) / within.length).toBeGreaterThan(between)
    const [tf, tp] = [fine.map((s) => texture(s)[0]!), patched.map((s) => texture(s)[0]!)]
    expect(Math.min(...tf)).toBeGreaterThan(Math.max(...tp))
  })

  it('name all 37 breeds by shape and texture far better than by mean colour', () => {
    const rows = BREEDS.flatMap((b) => Array.from({ length: 4 }, (_, k) => ({ b, s: drawPet(b, mulberry32(deriveSeed(9, b.classId * 10 + k))) })))
    const colour = nearestCentroid(rows.map(({ b, s }) => ({ label: b.classId, x: petColour(s) })))
    const form = nearestCentroid(rows.map(({ b, s }) => ({ label: b.classId, x: [...texture(s), ...shape(s)] })))
    // Chance is 1/37 ≈ 0.03; the old flat-colour pets scored near 1 on colour.
    expect(colour).toBeLessThan(0.12)
    expect(form).toBeGreaterThan(0.25)
    expect(form).toBeGreaterThan(colour * 3)
  })

  it('show furry distractors that are background in the trimap', () => {
    const scenes = Array.from({ length: 12 }, (_, k) => scene(BREEDS[k * 3]!.name, 200 + k))
    const withDistractor = scenes.filter((s) => s.distractors.some((v) => v === 1))
    expect(withDistractor.length).toBeGreaterThanOrEqual(6)
    for (const s of withDistractor) {
      const [n, pet, bg] = tally(s, s.distractors)
      expect(pet).toBe(0)
      expect(bg / n).toBeGreaterThan(0.8)
    }
    // Fur, not flat paint: the distractors' luminance varies like a coat's.
    const [, spread] = texture(withDistractor[0]!, withDistractor[0]!.distractors, 1)
    expect(spread).toBeGreaterThan(0.08)
  })

  it('hide part of some pets behind an object, and those pixels are not pet', () => {
    const scenes = Array.from({ length: 16 }, (_, k) => scene(BREEDS[k * 2]!.name, 300 + k))
    const occluded = scenes.filter((s) => s.occluded.some((v) => v === 1))
    expect(occluded.length).toBeGreaterThanOrEqual(3)
    expect(occluded.length).toBeLessThan(scenes.length)
    for (const s of occluded) {
      const [hidden, pet, bg] = tally(s, s.occluded)
      expect(pet).toBe(0)
      expect(bg / hidden).toBeGreaterThan(0.6)
      // The pet stays the main thing in view.
      expect(s.trimap.filter((v) => v === 1).length).toBeGreaterThan(hidden)
    }
  })
})
