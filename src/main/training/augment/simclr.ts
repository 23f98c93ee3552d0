// SimCLR views (§2.3, after Chen et al. 2020) as tensor ops on the training backend: random resized
// crop with horizontal flip, colour jitter (brightness/contrast/saturation 0.8, hue 0.2), random grayscale.
import * as tf from '@tensorflow/tfjs'
import { makeRng, uniform } from './random'

export interface SimclrAugmentConfig {
  outSize: number
  /** Crop area as a fraction of the image, and aspect ratio range (torchvision's defaults). */
  scale: [number, number]
  ratio: [number, number]
  flipProb: number
  jitterProb: number
  brightness: number
  contrast: number
  saturation: number
  hue: number
  grayProb: number
}

export const SIMCLR_AUGMENT: Omit<SimclrAugmentConfig, 'outSize'> = {
  scale: [0.08, 1],
  ratio: [3 / 4, 4 / 3],
  flipProb: 0.5,
  jitterProb: 0.8,
  brightness: 0.8,
  contrast: 0.8,
  saturation: 0.8,
  hue: 0.2,
  grayProb: 0.2,
}

// ITU-R 601 luma weights: grayscale as a weighted sum (wasm has no Einsum for rgbToGrayscale).
const LUMA = [0.299, 0.587, 0.114] as const
// RGB → YIQ; a hue shift is a rotation of the (I, Q) chroma plane.
const YIQ = [
  [0.299, 0.587, 0.114],
  [0.596, -0.274, -0.322],
  [0.211, -0.523, 0.312],
]
type M3 = number[][]

// Exact inverse (a rounded published one would tint images even with hue 0).
function inverse3(m: M3): M3 {
  const [a, b, c] = m as [number[], number[], number[]]
  const cof = [
    [b[1]! * c[2]! - b[2]! * c[1]!, a[2]! * c[1]! - a[1]! * c[2]!, a[1]! * b[2]! - a[2]! * b[1]!],
    [b[2]! * c[0]! - b[0]! * c[2]!, a[0]! * c[2]! - a[2]! * c[0]!, a[2]! * b[0]! - a[0]! * b[2]!],
    [b[0]! * c[1]! - b[1]! * c[0]!, a[1]! * c[0]! - a[0]! * c[1]!, a[0]! * b[1]! - a[1]! * b[0]!],
  ]
  const det = a[0]! * cof[0]![0]! + a[1]! * cof[1]![0]! + a[2]! * cof[2]![0]!
  return cof.map((row) => row.map((v) => v / det))
}
const YIQ_INV = inverse3(YIQ)
const mul3 = (a: M3, b: M3): M3 => a.map((row) => [0, 1, 2].map((j) => row[0]! * b[0]![j]! + row[1]! * b[1]![j]! + row[2]! * b[2]![j]!))

/** Saturation s, hue shift h (fraction of a turn) and grayscale folded into one 3×3 colour matrix. */
export function colourMatrix(sat: number, hue: number, gray: boolean): M3 {
  const satM = [0, 1, 2].map((i) => [0, 1, 2].map((j) => (i === j ? sat : 0) + (1 - sat) * LUMA[j]!))
  const th = 2 * Math.PI * hue
  const rot = [
    [1, 0, 0],
    [0, Math.cos(th), -Math.sin(th)],
    [0, Math.sin(th), Math.cos(th)],
  ]
  let m = mul3(mul3(YIQ_INV, rot), mul3(YIQ, satM))
  if (gray) m = mul3([LUMA.slice(), LUMA.slice(), LUMA.slice()], m)
  return m
}

interface ViewParams {
  boxes: Float32Array
  bright: Float32Array
  contrast: Float32Array
  colour: Float32Array
}

function sampleParams(n: number, h: number, w: number, cfg: SimclrAugmentConfig, rng: () => number): ViewParams {
  const p: ViewParams = { boxes: new Float32Array(n * 4), bright: new Float32Array(n), contrast: new Float32Array(n), colour: new Float32Array(n * 9) }
  for (let i = 0; i < n; i++) {
    const [y1, x1, y2, x2] = cropBox(h, w, cfg, rng)
    const flip = rng() < cfg.flipProb
    // cropAndResize flips the crop when x1 > x2, so the flip costs nothing.
    p.boxes.set(flip ? [y1, x2, y2, x1] : [y1, x1, y2, x2], i * 4)
    const jitter = rng() < cfg.jitterProb
    p.bright[i] = jitter ? uniform(rng, 1 - cfg.brightness, 1 + cfg.brightness) : 1
    p.contrast[i] = jitter ? uniform(rng, 1 - cfg.contrast, 1 + cfg.contrast) : 1
    const sat = jitter ? uniform(rng, 1 - cfg.saturation, 1 + cfg.saturation) : 1
    const hue = jitter ? uniform(rng, -cfg.hue, cfg.hue) : 0
    const m = colourMatrix(sat, hue, rng() < cfg.grayProb)
    // Stored transposed: pixels are rows, so out = pixels · mᵀ.
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) p.colour[i * 9 + c * 3 + r] = m[r]![c]!
  }
  return p
}

/** torchvision RandomResizedCrop: 10 tries at a random area and ratio, else the central crop. */
function cropBox(h: number, w: number, cfg: SimclrAugmentConfig, rng: () => number): [number, number, number, number] {
  const area = h * w
  for (let t = 0; t < 10; t++) {
    const a = area * uniform(rng, cfg.scale[0], cfg.scale[1])
    const r = Math.exp(uniform(rng, Math.log(cfg.ratio[0]), Math.log(cfg.ratio[1])))
    const cw = Math.round(Math.sqrt(a * r))
    const ch = Math.round(Math.sqrt(a / r))
    if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
      const top = Math.floor(rng() * (h - ch + 1))
      const left = Math.floor(rng() * (w - cw + 1))
      return [top / (h - 1), left / (w - 1), (top + ch - 1) / (h - 1), (left + cw - 1) / (w - 1)]
    }
  }
  return [0, 0, 1, 1]
}

/** One augmented view of each image of x [N,H,W,3] (values in [0,1]) → [N,out,out,3]. */
export function simclrView(x: tf.Tensor4D, cfg: SimclrAugmentConfig, seed: number): tf.Tensor4D {
  const [n, h, w] = x.shape
  const p = sampleParams(n, h, w, cfg, makeRng(seed))
  return tf.tidy(() => {
    const ind = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i), 'int32')
    const crops = tf.image.cropAndResize(x, tf.tensor2d(p.boxes, [n, 4]), ind, [cfg.outSize, cfg.outSize], 'bilinear')
    const bright = tf.clipByValue(tf.mul(crops, tf.tensor4d(p.bright, [n, 1, 1, 1])), 0, 1)
    // Contrast blends each pixel with the image's mean gray level.
    const luma = tf.tensor1d(Float32Array.from(LUMA))
    const meanGray = tf.sum(tf.mul(tf.mean(bright, [1, 2], true), luma), -1, true)
    const c = tf.tensor4d(p.contrast, [n, 1, 1, 1])
    const contrasted = tf.clipByValue(tf.add(tf.mul(bright, c), tf.mul(meanGray, tf.sub(1, c))), 0, 1)
    const pixels = tf.reshape(contrasted, [n, cfg.outSize * cfg.outSize, 3])
    const coloured = tf.matMul(pixels, tf.tensor3d(p.colour, [n, 3, 3]))
    return tf.clipByValue(tf.reshape(coloured, [n, cfg.outSize, cfg.outSize, 3]), 0, 1) as tf.Tensor4D
  })
}

/** Both views of a batch stacked [2N,out,out,3]: rows i and i+N are views of image i (NT-Xent order). */
export function simclrPair(x: tf.Tensor4D, cfg: SimclrAugmentConfig, seed: number): tf.Tensor4D {
  return tf.tidy(() => tf.concat([simclrView(x, cfg, seed), simclrView(x, cfg, seed ^ 0x5bd1e995)], 0))
}
