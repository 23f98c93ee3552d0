// torchvision's colour adjustments (transforms.functional on tensors) as tfjs ops on [N,H,W,3] images
// in [0,1], one factor per image ([N,1,1,1]); plain elementwise ops, so they run on wasm (no Einsum).
import * as tf from '@tensorflow/tfjs'

/** torchvision's rgb_to_grayscale weights (ITU-R 601-2 luma as torchvision rounds them). */
export const GRAY_WEIGHTS = [0.2989, 0.587, 0.114] as const

/** [N,H,W,3] → [N,H,W,1] gray levels. */
export function grayscale(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.sum(tf.mul(x, tf.tensor1d([...GRAY_WEIGHTS])), -1, true) as tf.Tensor4D)
}

/** Each image's mean gray level, [N,1,1,1]: what contrast blends towards. */
export function meanGray(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.mean(grayscale(x), [1, 2, 3], true))
}

/** torchvision's _blend for float images: clamp(f·a + (1−f)·b, 0, 1). */
export function blend(a: tf.Tensor4D, b: tf.Tensor4D | number, f: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.clipByValue(tf.add(tf.mul(a, f), tf.mul(b, tf.sub(1, f))), 0, 1) as tf.Tensor4D)
}

export const adjustBrightness = (x: tf.Tensor4D, f: tf.Tensor4D): tf.Tensor4D => blend(x, 0, f)
export const adjustContrast = (x: tf.Tensor4D, f: tf.Tensor4D): tf.Tensor4D => tf.tidy(() => blend(x, meanGray(x), f))
export const adjustSaturation = (x: tf.Tensor4D, f: tf.Tensor4D): tf.Tensor4D => tf.tidy(() => blend(x, grayscale(x), f))

/**
 * torchvision's adjust_hue: RGB → HSV (_rgb2hsv), H += shift (a fraction of a turn) mod 1, HSV → RGB,
 * on pixels along the last axis of x ([…,3]) with shift broadcast against it (e.g. [N,1,1] for [N,P,3]).
 * H is kept in sextants (6·H) and HSV → RGB uses the closed form c = V − (V·S)·clamp(min(k, 4−k), 0, 1)
 * with k = (n + 6H) mod 6 and n = 5, 3, 1 for R, G, B — the same values as _hsv2rgb's six cases, and
 * V·S is simply max − min. The mod 6 also wraps the shifted hue, as torchvision's % 1.0 does.
 */
export function adjustHue<T extends tf.Tensor>(x: T, shift: tf.Tensor): T {
  return tf.tidy(() => {
    const maxc = tf.max(x, -1, true)
    const cr = tf.sub(maxc, tf.min(x, -1, true))
    // Where max = min the numerators are 0 too: torchvision divides by 1 there, any divisor gives 0.
    const [rc, gc, bc] = tf.split(tf.div(tf.sub(maxc, x), tf.maximum(cr, 1e-30)), 3, -1)
    const [r, g] = tf.split(x, 3, -1)
    // torchvision's masks: red where it is the max, else green, else blue.
    const isR = tf.cast(tf.equal(maxc, r!), 'float32')
    const notR = tf.sub(1, isR)
    const isG = tf.mul(tf.cast(tf.equal(maxc, g!), 'float32'), notR)
    const isB = tf.sub(notR, isG)
    const h6 = tf.addN([tf.mul(isR, tf.sub(bc!, gc!)), tf.mul(isG, tf.add(2, tf.sub(rc!, bc!))), tf.mul(isB, tf.add(4, tf.sub(gc!, rc!)))])
    const k = mod6(tf.add(tf.add(h6, tf.mul(shift, 6)), tf.tensor1d([5, 3, 1])))
    const w = tf.clipByValue(tf.minimum(k, tf.sub(4, k)), 0, 1)
    return tf.sub(maxc, tf.mul(cr, w)) as T
  })
}

function mod6(y: tf.Tensor): tf.Tensor {
  return tf.sub(y, tf.mul(tf.floor(tf.div(y, 6)), 6))
}
