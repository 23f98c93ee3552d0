// Turns an exported (standard-layer) model back into the U-Net our training code builds for the run's
// config, layer by layer, refusing a model.json whose layers or shapes do not fit that U-Net. Runs in
// the training worker (convert-job.ts), so no tfjs runs in the app process for an import.
import * as tf from '@tensorflow/tfjs'
import { AppError } from '../../../../shared/errors'
import type { RunConfig } from '../../../../shared/types/runs'
import { buildSimclrModel } from '../models/projection-head'
import { buildUnet, channelsOf } from '../models/unet'

/** The model a run of this config trains (as the training job builds it), freshly initialised. */
export function modelForConfig(cfg: RunConfig): tf.LayersModel {
  const channels = channelsOf(cfg)
  if (cfg.kind === 'pretrain' && cfg.method === 'simclr') {
    return buildSimclrModel(buildUnet({ inputSize: cfg.simclrSize, channels, skips: cfg.skips, outChannels: 3, outActivation: 'softmax' }), channels)
  }
  const out = cfg.kind === 'finetune' ? 'softmax' : 'sigmoid'
  return buildUnet({ inputSize: cfg.imageSize, channels, skips: cfg.skips, outChannels: 3, outActivation: out })
}

/** Loads an exported topology + weights with plain tfjs (no custom layers needed for an export). */
export async function loadExportedModel(topology: unknown, specs: tf.io.WeightsManifestEntry[], weights: ArrayBuffer, file: string): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology as tf.io.ModelJSON['modelTopology'], weightSpecs: specs, weightData: weights }))
  } catch (err) {
    throw new AppError('BAD_INPUT', `${file} cannot be loaded as a tfjs layers model: ${(err as Error).message}`)
  }
}

/**
 * Our U-Net for `cfg` carrying the weights of `loaded`. Every weighted layer must exist in both with the
 * same shapes, and the input and output shapes must agree; otherwise nothing is built.
 */
export function adoptWeights(cfg: RunConfig, loaded: tf.LayersModel, file: string): tf.LayersModel {
  const ours = modelForConfig(cfg)
  try {
    const misfit = (why: string): AppError =>
      new AppError('BAD_INPUT', `${file} does not fit the ${cfg.kind} U-Net that config.json describes (channels [${channelsOf(cfg).join(', ')}], skips ${cfg.skips ? 'on' : 'off'}): ${why}`)
    const shapeOf = (m: tf.LayersModel, io: 'inputs' | 'outputs'): string => JSON.stringify(m[io].map((t) => t.shape))
    if (shapeOf(ours, 'inputs') !== shapeOf(loaded, 'inputs')) throw misfit(`its input is ${shapeOf(loaded, 'inputs')}, expected ${shapeOf(ours, 'inputs')}`)
    if (shapeOf(ours, 'outputs') !== shapeOf(loaded, 'outputs')) throw misfit(`its output is ${shapeOf(loaded, 'outputs')}, expected ${shapeOf(ours, 'outputs')}`)
    const weighted = (m: tf.LayersModel): tf.layers.Layer[] => m.layers.filter((l) => l.weights.length > 0)
    const extra = weighted(loaded).filter((l) => !ours.layers.some((o) => o.name === l.name))
    if (extra.length) throw misfit(`it has layers the U-Net has not: ${extra.map((l) => l.name).join(', ')}`)
    const plan: [tf.layers.Layer, tf.Tensor[]][] = []
    for (const layer of weighted(ours)) {
      const theirs = loaded.layers.find((l) => l.name === layer.name)
      if (!theirs) throw misfit(`it has no layer ${layer.name}`)
      const a = layer.getWeights().map((w) => w.shape)
      const b = theirs.getWeights().map((w) => w.shape)
      if (JSON.stringify(a) !== JSON.stringify(b)) throw misfit(`${layer.name} holds weights of shapes ${JSON.stringify(b)}, expected ${JSON.stringify(a)}`)
      plan.push([layer, theirs.getWeights()])
    }
    for (const [layer, ws] of plan) layer.setWeights(ws)
    // The frozen flags are part of the run (a frozen-encoder finetune); keep them as trained.
    for (const layer of ours.layers) layer.trainable = loaded.layers.find((l) => l.name === layer.name)?.trainable ?? layer.trainable
    return ours
  } catch (err) {
    ours.dispose()
    throw err
  }
}
