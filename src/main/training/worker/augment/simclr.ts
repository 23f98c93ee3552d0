// SimCLR views (§2.3, after Chen et al. 2020) as tensor ops on the training backend, in torchvision's
// terms: RandomResizedCrop, RandomHorizontalFlip, RandomApply(ColorJitter) and RandomGrayscale.
import * as tf from '@tensorflow/tfjs'
import { PAPER_SIMCLR_AUGMENT, type SimclrAugment } from '../../../../shared/training-protocol'
import { SIMCLR_VIEWS } from '../kernels/webgpu/kernel-names'
import { grayscale } from './colour'
import { applyJitter, type ImageJitter } from './jitter'
import { makeRng, shuffleInPlace, uniform } from './random'
import { packViewParams, VIEW_ROW } from './view-params'

export type SimclrAugmentConfig = SimclrAugment & { outSize: number }

/** The paper's augmentation (see PAPER_SIMCLR_AUGMENT for what it leaves to SimCLR). */
export const SIMCLR_AUGMENT: SimclrAugment = PAPER_SIMCLR_AUGMENT

/** What one image's view draws: crop box (cropAndResize's normalised y1, x1, y2, x2), flip, jitter, gray. */
export interface ViewDraw {
  box: [number, number, number, number]
  flip: boolean
  jitter: ImageJitter | null
  gray: boolean
}

/** torchvision's ColorJitter ranges: factors uniform in [max(0, 1−v), 1+v], hue in [−h, h]. */
function drawJitter(cfg: SimclrAugment, rng: () => number): ImageJitter {
  const order = [0, 1, 2, 3]
  shuffleInPlace(order, rng)
  const factor = (v: number): number => uniform(rng, Math.max(0, 1 - v), 1 + v)
  return { order, brightness: factor(cfg.brightness), contrast: factor(cfg.contrast), saturation: factor(cfg.saturation), hue: uniform(rng, -cfg.hue, cfg.hue) }
}

export function drawView(h: number, w: number, cfg: SimclrAugment, rng: () => number): ViewDraw {
  const box = cropBox(h, w, cfg, rng)
  const flip = rng() < cfg.flipProb
  const jitter = rng() < cfg.jitterProb ? drawJitter(cfg, rng) : null
  return { box, flip, jitter, gray: rng() < cfg.grayProb }
}

/**
 * torchvision RandomResizedCrop.get_params: 10 tries at a random area and log-uniform ratio, else the
 * central crop at the nearest allowed ratio. Returned as cropAndResize's corner-aligned box.
 */
export function cropBox(h: number, w: number, cfg: Pick<SimclrAugment, 'scale' | 'ratio'>, rng: () => number): [number, number, number, number] {
  const area = h * w
  let ch = h
  let cw = w
  let top = -1
  let left = -1
  for (let t = 0; t < 10 && top < 0; t++) {
    const a = area * uniform(rng, cfg.scale[0], cfg.scale[1])
    const r = Math.exp(uniform(rng, Math.log(cfg.ratio[0]), Math.log(cfg.ratio[1])))
    const tw = Math.round(Math.sqrt(a * r))
    const th = Math.round(Math.sqrt(a / r))
    if (tw > 0 && th > 0 && tw <= w && th <= h) {
      ;[cw, ch] = [tw, th]
      top = Math.floor(rng() * (h - ch + 1))
      left = Math.floor(rng() * (w - cw + 1))
    }
  }
  if (top < 0) {
    const inRatio = w / h
    const [lo, hi] = [Math.min(...cfg.ratio), Math.max(...cfg.ratio)]
    if (inRatio < lo) ch = Math.round(w / lo)
    else if (inRatio > hi) cw = Math.round(h * hi)
    top = Math.floor((h - ch) / 2)
    left = Math.floor((w - cw) / 2)
  }
  const sy = Math.max(h - 1, 1)
  const sx = Math.max(w - 1, 1)
  return [top / sy, left / sx, (top + ch - 1) / sy, (left + cw - 1) / sx]
}

/** The crops, flips, colour jitter and grayscale of `draws` applied to x [N,H,W,3] in [0,1]. */
export function applyViews(x: tf.Tensor4D, draws: readonly ViewDraw[], outSize: number): tf.Tensor4D {
  const n = x.shape[0]
  const boxes = new Float32Array(n * 4)
  draws.forEach((d, i) => {
    const [y1, x1, y2, x2] = d.box
    // cropAndResize mirrors the crop when x1 > x2, so the flip costs nothing.
    boxes.set(d.flip ? [y1, x2, y2, x1] : [y1, x1, y2, x2], i * 4)
  })
  return tf.tidy(() => {
    const ind = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i), 'int32')
    const crops = tf.image.cropAndResize(x, tf.tensor2d(boxes, [n, 4]), ind, [outSize, outSize], 'bilinear')
    // Bilinear weights can overshoot [0,1] by a rounding error; the jitter's blends assume [0,1].
    const jittered = applyJitter(tf.clipByValue(crops, 0, 1) as tf.Tensor4D, draws.map((d) => d.jitter))
    if (!draws.some((d) => d.gray)) return jittered
    // A per-image blend (weight 0 keeps the image exactly); a broadcast tf.where is slow on wasm.
    const gray = tf.tensor4d(draws.map((d) => (d.gray ? 1 : 0)), [n, 1, 1, 1])
    return tf.add(jittered, tf.mul(gray, tf.sub(grayscale(jittered), jittered))) as tf.Tensor4D
  })
}

/** One view's draws for each of n images of h×w: the stream seeded by `seed`, image by image. */
export function drawViews(n: number, h: number, w: number, cfg: SimclrAugment, seed: number): ViewDraw[] {
  const rng = makeRng(seed)
  return Array.from({ length: n }, () => drawView(h, w, cfg, rng))
}

/** One augmented view of each image of x [N,H,W,3] (values in [0,1]) → [N,out,out,3]. */
export function simclrView(x: tf.Tensor4D, cfg: SimclrAugmentConfig, seed: number): tf.Tensor4D {
  const [n, h, w] = x.shape
  return applyViews(x, drawViews(n, h, w, cfg, seed), cfg.outSize)
}

/**
 * Both views of a batch stacked [2N,out,out,3]: rows i and i+N are views of image i (NT-Xent order).
 * Where the backend makes views in one program (webgpu), it gets the same draws as one table.
 */
export function simclrPair(x: tf.Tensor4D, cfg: SimclrAugmentConfig, seed: number): tf.Tensor4D {
  const [n, h, w] = x.shape
  if (tf.getKernel(SIMCLR_VIEWS, tf.getBackend())) {
    const draws = [...drawViews(n, h, w, cfg, seed), ...drawViews(n, h, w, cfg, seed ^ 0x5bd1e995)]
    const params = packViewParams(draws, draws.map((_, v) => v % n))
    return tf.tidy(() => tf.engine().runKernel(SIMCLR_VIEWS, { image: x, params: tf.tensor2d(params, [draws.length, VIEW_ROW.length]) }, { size: cfg.outSize }) as tf.Tensor4D)
  }
  return tf.tidy(() => tf.concat([simclrView(x, cfg, seed), simclrView(x, cfg, seed ^ 0x5bd1e995)], 0))
}
