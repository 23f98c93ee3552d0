// The one prediction of a finetuned U-Net: RGB images at the model's input size in, class ids (1/2/3)
// and a confidence per image out. The worker's prediction sessions and `cli eval` both call it.
import * as tf from '@tensorflow/tfjs'
import { AppError } from '../../../shared/errors'
import { arraySource, disposeBatch, makeBatch } from './data/source'
import { throwOnGpuFault } from './gpu-faults'

export interface PredictedClasses {
  /** count × size² class ids (1 pet, 2 background, 3 border, one byte each), image after image. */
  classes: Uint8Array
  /** Per image, the mean over its pixels of the largest softmax probability. */
  confidence: number[]
}

/** The model's square input side. */
export function inputSizeOf(model: tf.LayersModel): number {
  const size = model.inputs[0]?.shape[1]
  if (typeof size !== 'number') throw new AppError('BAD_INPUT', `the model takes inputs of shape ${JSON.stringify(model.inputs[0]?.shape)}, not square images`)
  return size
}

/** Predicts `pixels` (each size×size×3 RGB bytes, size = the model's input side) as one batch. */
export async function predictClasses(model: tf.LayersModel, pixels: Uint8Array[]): Promise<PredictedClasses> {
  const size = inputSizeOf(model)
  // The training loop's own batch maker, so inputs are scaled exactly as the model was trained.
  const input = makeBatch(arraySource(size, pixels), pixels.map((_, i) => i), false)
  let out: [tf.Tensor, tf.Tensor]
  try {
    out = tf.tidy((): [tf.Tensor, tf.Tensor] => {
      const probs = model.predict(input.x) as tf.Tensor4D
      return [tf.add(tf.argMax(probs, -1), 1), tf.mean(tf.max(probs, -1), [1, 2])]
    })
  } finally {
    disposeBatch(input)
  }
  const [ids, conf] = out
  try {
    const classes = Uint8Array.from(await ids.data<'int32'>())
    const confidence = Array.from(await conf.data<'float32'>())
    throwOnGpuFault('while predicting')
    return { classes, confidence }
  } finally {
    tf.dispose([ids, conf])
  }
}
