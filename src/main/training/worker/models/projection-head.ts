// SimCLR's projection head (§2.3) on the U-Net encoder's bottleneck: global average pool, dense, ReLU,
// dense. The head is dropped after pretraining; only the encoder weights carry over.
import * as tf from '@tensorflow/tfjs'
import { encoderModel } from './unet'

export interface ProjectionConfig {
  hidden: number
  out: number
}

export const DEFAULT_PROJECTION: ProjectionConfig = { hidden: 256, out: 128 }

/** image → projection z [N,out]; the encoder layers are the very layer objects of `unet`. */
export function buildSimclrModel(unet: tf.LayersModel, channels: number[], proj: ProjectionConfig = DEFAULT_PROJECTION): tf.LayersModel {
  const enc = encoderModel(unet, channels)
  let x = tf.layers.globalAveragePooling2d({ name: 'proj_pool' }).apply(enc.outputs[0]!) as tf.SymbolicTensor
  x = tf.layers.dense({ units: proj.hidden, activation: 'relu', name: 'proj_dense0' }).apply(x) as tf.SymbolicTensor
  x = tf.layers.dense({ units: proj.out, name: 'proj_dense1' }).apply(x) as tf.SymbolicTensor
  return tf.model({ inputs: enc.inputs, outputs: x, name: 'simclr' })
}
