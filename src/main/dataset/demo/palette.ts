// Coat colours of the demo pets. Every breed takes three dark, three mid and three light coats from one
// shared palette, so a breed's average colour is much like any other's and colour alone cannot name it.
import type { Breed } from '../breeds'
import { mulberry32, randInt, randRange, type Rng } from './prng'

export type Rgb = [number, number, number]

const DARK: Rgb[] = [[34, 30, 30], [62, 42, 30], [58, 60, 68], [88, 58, 40]]
const MID: Rgb[] = [[150, 96, 52], [128, 128, 134], [176, 120, 70], [120, 92, 70]]
const LIGHT: Rgb[] = [[232, 224, 208], [214, 184, 140], [240, 238, 232], [200, 170, 120]]

/** All but one of a group of four. */
function threeOf(list: Rgb[], r: Rng): Rgb[] {
  const skip = randInt(r, 0, list.length - 1)
  return list.filter((_, i) => i !== skip)
}

/** The breed's nine coats: fixed per breed, balanced between dark and light. */
export function breedCoats(b: Breed): Rgb[] {
  const r = mulberry32(b.classId * 104729)
  return [...threeOf(DARK, r), ...threeOf(MID, r), ...threeOf(LIGHT, r)]
}

const lum = (c: Rgb): number => 0.3 * c[0] + 0.59 * c[1] + 0.11 * c[2]

/** One image's base and pattern colours: a random coat and the most contrasting of two others. */
export function pickCoat(coats: Rgb[], rng: Rng): { base: Rgb; second: Rgb } {
  const base = jitter(coats[randInt(rng, 0, coats.length - 1)]!, rng)
  const c1 = coats[randInt(rng, 0, coats.length - 1)]!
  const c2 = coats[randInt(rng, 0, coats.length - 1)]!
  let second = Math.abs(lum(c1) - lum(base)) > Math.abs(lum(c2) - lum(base)) ? c1 : c2
  // A pattern needs some contrast to exist at all: push a too-close second colour away from the base.
  if (Math.abs(lum(second) - lum(base)) < 80) second = lum(base) > 128 ? scale(base, 0.4) : scale(base, 2.4)
  return { base, second: jitter(second, rng) }
}

function scale(c: Rgb, k: number): Rgb {
  return [Math.min(255, c[0] * k + 10), Math.min(255, c[1] * k + 10), Math.min(255, c[2] * k + 10)]
}

/** Individuals differ a little in shade and hue even within one coat colour. */
function jitter(c: Rgb, rng: Rng): Rgb {
  const k = randRange(rng, 0.85, 1.15)
  return [c[0] * k + randRange(rng, -12, 12), c[1] * k + randRange(rng, -12, 12), c[2] * k + randRange(rng, -12, 12)]
}

export function hsl(h: number, s: number, l: number): Rgb {
  const k = (n: number): number => (n + h / 30) % 12
  const a = s * Math.min(l, 1 - l)
  const f = (n: number): number => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1))
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)]
}

export function randomColour(rng: Rng, sat: [number, number], light: [number, number]): Rgb {
  return hsl(randInt(rng, 0, 359), randRange(rng, sat[0], sat[1]), randRange(rng, light[0], light[1]))
}
