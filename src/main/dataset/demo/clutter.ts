// What makes a demo photo hard, as real ones are: furry pet-like distractors behind the pet (a rug,
// a toy, a cushion with a coat's texture; background in the trimap) and an object in front of it.
import { BREEDS } from '../breeds'
import { paintCoat } from './coat'
import * as noise from './noise'
import { breedCoats, pickCoat, randomColour } from './palette'
import type { Pose } from './pet'
import { randInt, randRange, type Rng } from './prng'
import { fillBlob, fillCapsule, fillEllipse, fillRect, newMask, type Mask } from './shapes'
import { breedTraits } from './traits'

// Per-pixel helpers as module locals: under tsx and vitest every use of an imported name is a getter call.
const { hash2, makeTiledNoise, sampleTiled } = noise

/** Paints 0–3 furry blobs with another breed's coat; returns their mask. */
export function paintDistractors(buf: Float32Array, w: number, h: number, pet: Pose, rng: Rng): Mask {
  const m = newMask(w, h)
  const n = rng() < 0.85 ? randInt(rng, 1, 3) : 0
  for (let k = 0; k < n; k++) {
    const breed = BREEDS[randInt(rng, 0, BREEDS.length - 1)]!
    const t = breedTraits(breed)
    const b = pet.b * randRange(rng, 0.35, 0.8)
    // Beside the pet or above it, seldom on it: the pet stays the salient animal.
    const x = rng() < 0.5 ? randRange(rng, 0, 0.25) * w : randRange(rng, 0.75, 1) * w
    const y = randRange(rng, 0.15, 0.95) * h
    const one = newMask(w, h)
    const angle = randRange(rng, -0.6, 0.6)
    fillBlob(one, x, y, b * randRange(rng, 1.1, 1.8), b, angle, randRange(rng, 0.05, 0.3), randInt(rng, 12, 30))
    if (rng() < 0.5) fillBlob(one, x + b * 1.3, y - b * 0.6, b * 0.6, b * 0.55, 0, 0.15, 16)
    const pose: Pose = { cx: x, cy: y, a: b * 1.5, b, cos: Math.cos(angle), sin: Math.sin(angle), side: 1, head: { x, y, r: b } }
    paintCoat(buf, one, pose, t, pickCoat(breedCoats(breed), rng), rng)
    for (let i = 0; i < one.data.length; i++) if (one.data[i]) m.data[i] = 1
  }
  return m
}

type Occluder = 'post' | 'plant' | 'cushion' | 'bar'
const OCCLUDERS: Occluder[] = ['post', 'plant', 'cushion', 'bar']

/** With some probability, draws an object in front of part of the pet; returns its mask. */
export function paintOccluder(buf: Float32Array, w: number, h: number, pet: Pose, rng: Rng): Mask {
  const m = newMask(w, h)
  if (rng() >= 0.45) return m
  const kind = OCCLUDERS[randInt(rng, 0, OCCLUDERS.length - 1)]!
  const { cx, cy, a, b } = pet
  if (kind === 'post') {
    // A chair or table leg crossing the body, never the face.
    const x = cx - pet.side * a * randRange(rng, 0.1, 0.7)
    const half = b * randRange(rng, 0.15, 0.3)
    fillRect(m, x - half, 0, x + half, h)
  } else if (kind === 'bar') {
    const y = cy + b * randRange(rng, 0.6, 1.4)
    fillRect(m, 0, y, w, y + b * randRange(rng, 0.25, 0.5))
  } else if (kind === 'cushion') {
    const x = cx + randRange(rng, -0.8, 0.8) * a
    fillEllipse(m, x, cy + b * randRange(rng, 1.0, 1.6), a * randRange(rng, 0.35, 0.6), b * randRange(rng, 0.5, 0.8))
  } else {
    const x = cx - pet.side * a * randRange(rng, 0.4, 1.1)
    for (let i = 0; i < 6; i++) {
      const ly = cy + b * randRange(rng, -0.6, 1.8)
      fillCapsule(m, x, h, x + randRange(rng, -1.2, 1.2) * b, ly, b * randRange(rng, 0.12, 0.22))
    }
  }
  paintSolidObject(buf, m, kind === 'plant', rng)
  return m
}

function paintSolidObject(buf: Float32Array, m: Mask, plant: boolean, rng: Rng): void {
  const c = plant ? [randInt(rng, 30, 80), randInt(rng, 90, 160), randInt(rng, 30, 70)] : randomColour(rng, [0.1, 0.6], [0.2, 0.7])
  const noise = makeTiledNoise(rng, 8)
  const salt = randInt(rng, 1, 0x7fffffff)
  const { width: w, data } = m
  for (let i = 0; i < data.length; i++) {
    if (!data[i]) continue
    const x = i % w
    const y = (i - x) / w
    // Wood grain or fabric: a texture unlike fur, so the object reads as a thing, not an animal.
    const k = 0.75 + 0.35 * sampleTiled(noise, x / 30, y / 4) + 0.1 * hash2(x, y, salt)
    buf[i * 3] = c[0]! * k
    buf[i * 3 + 1] = c[1]! * k
    buf[i * 3 + 2] = c[2]! * k
  }
}
