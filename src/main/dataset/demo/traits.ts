// What makes a demo breed recognisable: silhouette and coat texture, fixed per breed with a little spread
// per image. Colour is deliberately not a trait (see palette.ts), so colour jitter cannot erase the breed.
import type { Breed } from '../breeds'
import { mulberry32, randRange, type Rng } from './prng'

export type EarKind = 'pointed' | 'round' | 'floppy' | 'folded'
export type CoatKind =
  | 'solid' | 'stripes' | 'brindle' | 'spots' | 'rosettes' | 'patches'
  | 'points' | 'ticked' | 'saddle' | 'wrinkles' | 'curls'

export interface Traits {
  /** Body length over height. */
  aspect: number
  /** Head radius in body half-heights. */
  head: number
  ears: EarKind
  earSize: number
  /** Leg length and width, tail length and width, snout length: in body half-heights or head radii. */
  legs: number
  legWidth: number
  tail: number
  tailWidth: number
  /** How far the tail bends over its length, in radians (a pug's curls over its back). */
  curl: number
  snout: number
  /** Height of fur tufts on the outline, relative to the part's radius. */
  fluff: number
  coat: CoatKind
  /** Pattern period or spot size in body half-heights. */
  scale: number
  /** Pattern orientation against the body axis, radians. */
  angle: number
  /** Strength of fur streaks and their length. */
  fur: number
  furLength: number
}

type Row = [CoatKind, number, EarKind, number, number, number, number, number, number]
// coat, scale, ears, earSize, aspect, head, legs, tail, fluff. The rest is seeded from the class id.
const TABLE: Record<string, Row> = {
  Abyssinian: ['ticked', 0.06, 'pointed', 1.2, 1.7, 0.8, 1.2, 1.2, 0],
  Bengal: ['rosettes', 0.42, 'pointed', 0.9, 1.8, 0.75, 1.0, 1.1, 0],
  Birman: ['points', 0.5, 'pointed', 0.8, 1.5, 0.85, 0.8, 1.0, 0.18],
  Bombay: ['solid', 0.5, 'pointed', 0.9, 1.4, 0.95, 0.9, 1.0, 0],
  British_Shorthair: ['solid', 0.5, 'round', 0.7, 1.3, 1.05, 0.6, 0.7, 0.05],
  Egyptian_Mau: ['spots', 0.24, 'pointed', 1.0, 1.7, 0.75, 1.1, 1.1, 0],
  Maine_Coon: ['stripes', 0.32, 'pointed', 1.3, 1.6, 0.85, 0.9, 1.4, 0.22],
  Persian: ['solid', 0.5, 'round', 0.5, 1.3, 1.0, 0.5, 0.8, 0.3],
  Ragdoll: ['points', 0.5, 'pointed', 0.8, 1.6, 0.85, 0.8, 1.2, 0.25],
  Russian_Blue: ['ticked', 0.04, 'pointed', 1.1, 1.6, 0.8, 1.0, 1.0, 0],
  Siamese: ['points', 0.5, 'pointed', 1.5, 1.9, 0.7, 1.2, 1.5, 0],
  Sphynx: ['wrinkles', 0.3, 'pointed', 1.8, 1.5, 0.8, 1.0, 1.3, 0],
  american_bulldog: ['patches', 1.1, 'folded', 0.8, 1.4, 1.0, 0.9, 0.6, 0],
  american_pit_bull_terrier: ['brindle', 0.16, 'folded', 0.7, 1.5, 0.95, 0.9, 0.8, 0],
  basset_hound: ['saddle', 0.5, 'floppy', 1.7, 2.3, 0.85, 0.4, 1.0, 0],
  beagle: ['saddle', 0.5, 'floppy', 1.1, 1.7, 0.8, 0.9, 1.0, 0],
  boxer: ['brindle', 0.22, 'folded', 0.8, 1.5, 0.9, 1.3, 0.4, 0],
  chihuahua: ['solid', 0.5, 'pointed', 1.9, 1.3, 1.15, 0.8, 0.9, 0],
  english_cocker_spaniel: ['curls', 0.28, 'floppy', 1.5, 1.6, 0.85, 0.8, 0.6, 0.18],
  english_setter: ['spots', 0.14, 'floppy', 1.2, 1.8, 0.75, 1.3, 1.2, 0.12],
  german_shorthaired: ['ticked', 0.1, 'floppy', 1.2, 1.8, 0.75, 1.4, 0.5, 0],
  great_pyrenees: ['solid', 0.5, 'floppy', 0.7, 1.6, 0.8, 1.1, 1.1, 0.28],
  havanese: ['curls', 0.2, 'floppy', 1.1, 1.4, 0.95, 0.6, 1.0, 0.3],
  japanese_chin: ['patches', 0.6, 'floppy', 1.0, 1.3, 1.1, 0.6, 1.0, 0.25],
  keeshond: ['stripes', 0.6, 'pointed', 0.7, 1.4, 0.85, 0.8, 1.0, 0.35],
  leonberger: ['points', 0.5, 'floppy', 0.9, 1.7, 0.85, 1.1, 1.2, 0.3],
  miniature_pinscher: ['points', 0.5, 'pointed', 1.3, 1.5, 0.75, 1.4, 0.4, 0],
  newfoundland: ['solid', 0.5, 'floppy', 0.8, 1.6, 0.9, 0.9, 1.0, 0.2],
  pomeranian: ['solid', 0.5, 'pointed', 0.6, 1.2, 1.0, 0.5, 0.8, 0.4],
  pug: ['wrinkles', 0.2, 'folded', 0.7, 1.3, 1.15, 0.7, 0.5, 0],
  saint_bernard: ['patches', 0.8, 'floppy', 1.0, 1.7, 0.95, 1.0, 1.1, 0.12],
  samoyed: ['curls', 0.45, 'pointed', 0.8, 1.5, 0.85, 0.9, 0.9, 0.35],
  scottish_terrier: ['brindle', 0.1, 'pointed', 1.0, 2.0, 0.85, 0.45, 0.6, 0.15],
  shiba_inu: ['saddle', 0.5, 'pointed', 0.9, 1.5, 0.85, 1.0, 0.9, 0.05],
  staffordshire_bull_terrier: ['patches', 0.45, 'folded', 0.7, 1.4, 1.05, 0.8, 0.7, 0],
  wheaten_terrier: ['curls', 0.14, 'folded', 0.9, 1.6, 0.85, 1.0, 0.6, 0.2],
  yorkshire_terrier: ['saddle', 0.5, 'pointed', 1.0, 1.3, 0.9, 0.5, 0.7, 0.3],
}

// Curled tails, as the real breeds carry them.
const CURLED = new Set(['pug', 'shiba_inu', 'samoyed', 'keeshond', 'pomeranian', 'japanese_chin'])

/** The breed's fixed traits. */
export function breedTraits(b: Breed): Traits {
  const row = TABLE[b.name]
  if (!row) throw new Error(`no demo traits for breed ${b.name}`)
  const [coat, scale, ears, earSize, aspect, head, legs, tail, fluff] = row
  const r = mulberry32(b.classId * 7919)
  const dog = b.species === 'dog'
  return {
    aspect, head, ears, earSize, legs, tail, fluff, coat, scale,
    legWidth: randRange(r, 0.15, 0.22) * (dog ? 1.15 : 1),
    tailWidth: (dog ? 0.13 : 0.1) * (1 + fluff * 2),
    curl: CURLED.has(b.name) ? 3.6 : randRange(r, -0.8, 0.8),
    snout: dog ? randRange(r, 0.45, 0.8) * (b.name === 'pug' || b.name === 'japanese_chin' ? 0.3 : 1) : randRange(r, 0.15, 0.3),
    angle: randRange(r, Math.PI * 0.35, Math.PI * 0.65),
    fur: fluff > 0.15 ? 0.22 : coat === 'wrinkles' ? 0.04 : randRange(r, 0.08, 0.15),
    furLength: fluff > 0.15 ? 4 : randRange(r, 1.5, 2.5),
  }
}

/** One image's traits: the breed's, each varied by a few percent, like individuals of a breed. */
export function individual(t: Traits, rng: Rng): Traits {
  const j = (v: number, spread = 0.08): number => v * randRange(rng, 1 - spread, 1 + spread)
  return {
    ...t,
    aspect: j(t.aspect), head: j(t.head), earSize: j(t.earSize), legs: j(t.legs), tail: j(t.tail),
    snout: j(t.snout), scale: j(t.scale, 0.1), angle: t.angle + randRange(rng, -0.15, 0.15),
  }
}
