// torchvision's ColorJitter with its four adjustments in a random order per image, for a whole batch at
// once: brightness, contrast and saturation are blends, so each image's steps before and after its hue
// step are laid out in three slots each, and every slot is one batched blend with per-image factors.
import * as tf from '@tensorflow/tfjs'
import { adjustHue, GRAY_WEIGHTS } from './colour'

/** torchvision's fn_idx numbering: 0 brightness, 1 contrast, 2 saturation, 3 hue. */
export const JITTER_STEPS = ['brightness', 'contrast', 'saturation', 'hue'] as const
const HUE = 3

/** One image's ColorJitter draw: the order (a permutation of 0..3) and the four factors. */
export interface ImageJitter {
  order: number[]
  brightness: number
  contrast: number
  saturation: number
  /** Hue shift, a fraction of a turn. */
  hue: number
}

/**
 * A blend slot, per image: out = clamp(a·x + g·gray(x) + m·meanGray(x), 0, 1). Brightness f is
 * (f, 0, 0), contrast (f, 0, 1−f), saturation (f, 1−f, 0), nothing (1, 0, 0) — exactly x, as x ∈ [0,1].
 */
interface Slot {
  a: Float32Array
  g: Float32Array
  m: Float32Array
}

interface Plan {
  before: Slot[]
  after: Slot[]
  hue: Float32Array
  hued: boolean[]
}

const emptySlot = (n: number): Slot => ({ a: new Float32Array(n).fill(1), g: new Float32Array(n), m: new Float32Array(n) })

function setStep(slot: Slot, i: number, step: number, j: ImageJitter): void {
  const f = step === 0 ? j.brightness : step === 1 ? j.contrast : j.saturation
  slot.a[i] = f
  if (step === 1) slot.m[i] = 1 - f
  if (step === 2) slot.g[i] = 1 - f
}

/** Steps before hue go to the last slots of `before`, steps after it to the first slots of `after`. */
export function jitterPlan(jitters: readonly (ImageJitter | null)[]): Plan {
  const n = jitters.length
  const plan: Plan = { before: [0, 1, 2].map(() => emptySlot(n)), after: [0, 1, 2].map(() => emptySlot(n)), hue: new Float32Array(n), hued: [] }
  jitters.forEach((j, i) => {
    // A zero shift is torchvision's hue=None: no HSV round trip (it is not exact).
    plan.hued.push(j !== null && j.hue !== 0)
    if (!j) return
    const at = j.order.indexOf(HUE)
    j.order.slice(0, at).forEach((step, k) => setStep(plan.before[3 - at + k]!, i, step, j))
    j.order.slice(at + 1).forEach((step, k) => setStep(plan.after[k]!, i, step, j))
    plan.hue[i] = j.hue
  })
  return plan
}

const perImage = (v: Float32Array | number[], rank: 3 | 4): tf.Tensor => tf.tensor(v, rank === 3 ? [v.length, 1, 1] : [v.length, 1, 1, 1])

/**
 * One slot on pixels [N,P,3]: a·x + g·gray(x) is x·M with M = a·I + g·(weights as rows), one batched
 * 3×3 matMul; contrast's m·meanGray(x) is a per-image bias. Nothing to do in this slot: x itself.
 */
function runSlot(x: tf.Tensor3D, s: Slot): tf.Tensor3D {
  const n = s.a.length
  if (s.a.every((v) => v === 1) && s.g.every((v) => v === 0) && s.m.every((v) => v === 0)) return x
  const mats = new Float32Array(n * 9)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 3; j++) for (let c = 0; c < 3; c++) mats[i * 9 + j * 3 + c] = (j === c ? s.a[i]! : 0) + s.g[i]! * GRAY_WEIGHTS[j]!
  }
  let y = tf.matMul(x, tf.tensor3d(mats, [n, 3, 3]))
  if (s.m.some((v) => v !== 0)) {
    const meanGray = tf.sum(tf.mul(tf.mean(x, 1, true), tf.tensor1d([...GRAY_WEIGHTS])), -1, true)
    y = tf.add(y, tf.mul(meanGray, perImage(s.m, 3)))
  }
  return tf.clipByValue(y, 0, 1) as tf.Tensor3D
}

/** ColorJitter on each image of x [N,H,W,3] in [0,1]; null leaves that image as it is. */
export function applyJitter(x: tf.Tensor4D, jitters: readonly (ImageJitter | null)[]): tf.Tensor4D {
  const [n, h, w] = x.shape
  if (jitters.length !== n) throw new Error(`${jitters.length} jitter draws for ${n} images`)
  const plan = jitterPlan(jitters)
  return tf.tidy(() => {
    let y = tf.reshape(x, [n, h * w, 3]) as tf.Tensor3D
    for (const s of plan.before) y = runSlot(y, s)
    if (plan.hued.some(Boolean)) {
      // A per-image blend, not tf.where: broadcasting a [N,1,1] condition is slow on wasm. With a
      // 0 weight the image is kept bit for bit (HSV round trips are not exact).
      const hued = perImage(plan.hued.map((v) => (v ? 1 : 0)), 3)
      y = tf.add(y, tf.mul(hued, tf.sub(adjustHue(y, perImage(plan.hue, 3)), y)))
    }
    for (const s of plan.after) y = runSlot(y, s)
    return tf.reshape(y, [n, h, w, 3]) as tf.Tensor4D
  })
}
