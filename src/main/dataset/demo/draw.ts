// Draws one procedural pet photo: a cluttered room, furry distractors, the pet (breed told by shape and
// coat texture, colour free), maybe an object in front of it, then lighting. Pure: same rng → same pixels.
import type { HeadBox } from '../../../shared/types/dataset'
import type { Breed } from '../breeds'
import { paintDistractors, paintOccluder } from './clutter'
import { paintCoat } from './coat'
import { breedCoats, pickCoat } from './palette'
import { drawSilhouette, faceFeatures, placePet, type Head } from './pet'
import { randInt, randRange, type Rng } from './prng'
import { paintFurniture, paintRoom, paintShadow } from './room'
import { maskToTrimap, newMask, type Mask } from './shapes'
import { breedTraits, individual } from './traits'

export interface PetScene {
  width: number
  height: number
  /** width×height×3 RGB. */
  rgb: Uint8Array
  /** width×height values 1/2/3: only the visible pet is 1. */
  trimap: Uint8Array
  headBox: HeadBox
  /** width×height, 1 where a furry distractor (not the pet) shows. */
  distractors: Uint8Array
  /** width×height, 1 where the pet is hidden behind an object in front of it. */
  occluded: Uint8Array
}

export function drawPet(breed: Breed, rng: Rng): PetScene {
  const width = randInt(rng, 150, 500)
  const height = randInt(rng, 150, 500)
  const traits = individual(breedTraits(breed), rng)
  const coat = pickCoat(breedCoats(breed), rng)
  const pose = placePet(width, height, traits, rng)
  const buf = new Float32Array(width * height * 3)
  paintRoom(buf, width, height, rng)
  paintFurniture(buf, width, height, rng)
  const feet = pose.cy + pose.b * (1.4 + traits.legs)
  paintShadow(buf, width, height, pose.cx, feet, pose.a * 1.3, pose.b * 0.35)
  const distractors = paintDistractors(buf, width, height, pose, rng)
  const pet = newMask(width, height)
  drawSilhouette(pet, pose, traits)
  paintCoat(buf, pet, pose, traits, coat, rng)
  paintFace(buf, pet, faceFeatures(pose.head, pose.side, traits))
  const occluder = paintOccluder(buf, width, height, pose, rng)
  const occluded = new Uint8Array(width * height)
  for (let i = 0; i < occluded.length; i++) {
    if (!occluder.data[i]) continue
    if (pet.data[i]) occluded[i] = 1
    // Only what is seen is pet or distractor: the object hides both.
    pet.data[i] = 0
    distractors.data[i] = 0
  }
  for (let i = 0; i < pet.data.length; i++) if (pet.data[i]) distractors.data[i] = 0
  const rgb = light(buf, width, height, rng)
  return { width, height, rgb, trimap: maskToTrimap(pet), headBox: headBox(pose.head, width, height), distractors: distractors.data, occluded }
}

function headBox(head: Head, width: number, height: number): HeadBox {
  return {
    xmin: clamp(Math.round(head.x - head.r), 0, width - 1),
    ymin: clamp(Math.round(head.y - head.r), 0, height - 1),
    xmax: clamp(Math.round(head.x + head.r), 1, width),
    ymax: clamp(Math.round(head.y + head.r), 1, height),
  }
}

const clamp = (v: number, lo: number, hi: number): number => Math.max(lo, Math.min(hi, v))

/** Dark eyes and nose, only where the head or snout is. */
function paintFace(buf: Float32Array, m: Mask, spots: [number, number, number][]): void {
  for (const [cx, cy, r] of spots) {
    for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(m.height - 1, Math.ceil(cy + r)); y++) {
      for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(m.width - 1, Math.ceil(cx + r)); x++) {
        const i = y * m.width + x
        if (!m.data[i] || (x - cx) ** 2 + (y - cy) ** 2 > r * r) continue
        buf[i * 3] = 18
        buf[i * 3 + 1] = 16
        buf[i * 3 + 2] = 16
      }
    }
  }
}

/**
 * The camera: exposure, a white-balance tint, a lighting gradient, sometimes a soft shadow edge across
 * the whole scene, and sensor grain. This is what makes one coat colour look like many.
 */
function light(buf: Float32Array, w: number, h: number, rng: Rng): Uint8Array {
  const exposure = randRange(rng, 0.72, 1.15)
  const tint = [1 + randRange(rng, -0.12, 0.12), 1, 1 + randRange(rng, -0.12, 0.12)]
  const dir = randRange(rng, 0, 2 * Math.PI)
  const strength = randRange(rng, 0, 0.6)
  const [gx, gy] = [(Math.cos(dir) * strength) / w, (Math.sin(dir) * strength) / h]
  const shadow = rng() < 0.35
  const sdir = randRange(rng, 0, 2 * Math.PI)
  const [nx, ny] = [Math.cos(sdir), Math.sin(sdir)]
  const offset = (w * nx + h * ny) * randRange(rng, 0.3, 0.7)
  const soft = Math.min(w, h) * 0.08
  // A clamped array rounds and clamps on store: far cheaper per pixel than Math.min/max.
  const out = new Uint8ClampedArray(w * h * 3)
  let seed = (rng() * 0xffffffff) >>> 0 || 1
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let k = exposure * (1 + (x - w / 2) * gx + (y - h / 2) * gy)
      if (shadow) {
        const d = (x * nx + y * ny - offset) / soft
        k *= d <= 0 ? 0.6 : d >= 1 ? 1 : 0.6 + 0.4 * d
      }
      // xorshift grain: cheaper than a PRNG call per pixel, still deterministic
      seed ^= seed << 13
      seed ^= seed >>> 17
      seed ^= seed << 5
      const grain = (((seed >>> 0) % 25) - 12) | 0
      const o = (y * w + x) * 3
      out[o] = buf[o]! * k * tint[0]! + grain
      out[o + 1] = buf[o + 1]! * k + grain
      out[o + 2] = buf[o + 2]! * k * tint[2]! + grain
    }
  }
  return new Uint8Array(out.buffer)
}
