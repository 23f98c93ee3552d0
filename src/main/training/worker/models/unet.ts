// The paper's U-Net (§2.1) as a tfjs layers model, shared by finetuning, the masked autoencoder and
// (through its encoder) SimCLR. Encoder layers are named enc_* so they can be frozen and saved alone.
import * as tf from '@tensorflow/tfjs'
import { AppError } from '../../../../shared/errors'
import type { RunConfig } from '../../../../shared/types/runs'
import { ConvRelu, UpConvRelu } from './conv-relu-layers'

export type OutActivation = 'softmax' | 'sigmoid' | 'linear'

export interface UnetConfig {
  inputSize: number
  /** Channels per encoder level; the paper uses [32, 64, 128, 256]. */
  channels: number[]
  skips: boolean
  /** 3 for trimaps (softmax) and 3 for RGB reconstruction (sigmoid/linear). */
  outChannels: number
  outActivation: OutActivation
  /** Adds a 3×3 conv after each decoder concat (torch_unet.py EXTRA=1); the paper's reading is off. */
  decoderConv?: boolean
  inChannels?: number
}

export const PAPER_CHANNELS: readonly number[] = [32, 64, 128, 256]
/** A run's encoder channels: its own, else the paper's. */
export const channelsOf = (c: RunConfig): number[] => c.channels ?? [...PAPER_CHANNELS]
export const ENCODER_PREFIX = 'enc_'
/** Name of the encoder's deepest layer: SimCLR's projection head sits on its output. */
export const bottleneckName = (cfg: Pick<UnetConfig, 'channels'>): string => `enc_conv${cfg.channels.length - 1}`

export function validateUnetConfig(cfg: UnetConfig): void {
  const levels = cfg.channels.length
  if (levels < 1 || cfg.channels.some((c) => !Number.isInteger(c) || c < 1)) {
    throw new AppError('BAD_INPUT', `U-Net channels must be positive integers, got [${cfg.channels.join(', ')}]`)
  }
  const div = 2 ** (levels - 1)
  if (!Number.isInteger(cfg.inputSize) || cfg.inputSize < div || cfg.inputSize % div !== 0) {
    throw new AppError('BAD_INPUT', `U-Net input size must be a multiple of ${div} (${levels} levels), got ${cfg.inputSize}`)
  }
  if (!Number.isInteger(cfg.outChannels) || cfg.outChannels < 1) {
    throw new AppError('BAD_INPUT', `outChannels must be a positive integer, got ${cfg.outChannels}`)
  }
}

/** Builds an uncompiled model [N,S,S,3] → [N,S,S,outChannels]. */
export function buildUnet(cfg: UnetConfig): tf.LayersModel {
  validateUnetConfig(cfg)
  const input = tf.input({ shape: [cfg.inputSize, cfg.inputSize, cfg.inChannels ?? 3], name: 'image' })
  const skips: tf.SymbolicTensor[] = []
  let x: tf.SymbolicTensor = input
  cfg.channels.forEach((ch, i) => {
    x = convRelu(`enc_conv${i}`, ch, x, i > 0)
    if (i < cfg.channels.length - 1) {
      skips.push(x)
      x = tf.layers.maxPooling2d({ poolSize: 2, strides: 2, name: `enc_pool${i}` }).apply(x) as tf.SymbolicTensor
    }
  })
  for (let i = cfg.channels.length - 2; i >= 0; i--) {
    const ch = cfg.channels[i]!
    x = new UpConvRelu({ filters: ch, name: `dec_up${i}` }).apply(x) as tf.SymbolicTensor
    if (cfg.skips) x = tf.layers.concatenate({ axis: -1, name: `dec_concat${i}` }).apply([x, skips[i]!]) as tf.SymbolicTensor
    if (cfg.decoderConv) x = convRelu(`dec_conv${i}`, ch, x)
  }
  const out = tf.layers
    .conv2d({ filters: cfg.outChannels, kernelSize: 1, activation: cfg.outActivation, name: 'head' })
    .apply(x) as tf.SymbolicTensor
  return tf.model({ inputs: input, outputs: out, name: 'unet' })
}

// 3×3 conv + ReLU as one layer whose gradient keeps only its output (see conv-relu-layers.ts); the
// first layer reads the image, which needs no gradient.
function convRelu(name: string, filters: number, x: tf.SymbolicTensor, inputGradient = true): tf.SymbolicTensor {
  return new ConvRelu({ filters, name, inputGradient }).apply(x) as tf.SymbolicTensor
}

export function encoderLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l.name.startsWith(ENCODER_PREFIX))
}

/** Freezes (false) or thaws the encoder; the training loop only updates model.trainableWeights. */
export function setEncoderTrainable(model: tf.LayersModel, trainable: boolean): void {
  const layers = encoderLayers(model)
  if (layers.length === 0) throw new AppError('BAD_INPUT', `model "${model.name}" has no ${ENCODER_PREFIX}* layers`)
  for (const l of layers) l.trainable = trainable
}

/** A model sharing the U-Net's encoder weights: image → bottleneck features [N,s,s,C]. */
export function encoderModel(model: tf.LayersModel, channels: number[]): tf.LayersModel {
  const bottleneck = model.getLayer(bottleneckName({ channels }))
  return tf.model({ inputs: model.inputs, outputs: bottleneck.output as tf.SymbolicTensor, name: 'encoder' })
}
