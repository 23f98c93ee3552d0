// Saves and loads weights as files (model.json/weights.bin in tfjs layers format, encoder-only weight
// sets, optimizer state), without tfjs-node's file:// handler, which wasm/cpu runs do not have.
import * as tf from '@tensorflow/tfjs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { AppError } from '../../../../shared/errors'
import { encoderLayers } from './unet'

interface WeightFile {
  format: 'unet-ssl-weights'
  specs: tf.io.WeightsManifestEntry[]
}

/** File name → contents: what a save writes, built in memory first so a checkpoint can checksum it. */
export type Files = Record<string, Uint8Array>

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

/** Named tensors as <name>.json (specs) + <name>.bin (float32 data). */
export async function namedTensorFiles(name: string, tensors: tf.NamedTensorMap): Promise<Files> {
  const { data, specs } = await tf.io.encodeWeights(tensors)
  const file: WeightFile = { format: 'unet-ssl-weights', specs }
  return { [`${name}.bin`]: new Uint8Array(data), [`${name}.json`]: utf8(JSON.stringify(file)) }
}

async function writeFiles(dir: string, files: Files): Promise<void> {
  await fs.mkdir(dir, { recursive: true })
  for (const [name, data] of Object.entries(files)) await fs.writeFile(path.join(dir, name), data)
}

/** Writes named tensors as <name>.json (specs) + <name>.bin (float32 data) under dir. */
export async function saveNamedTensors(dir: string, name: string, tensors: tf.NamedTensorMap): Promise<void> {
  await writeFiles(dir, await namedTensorFiles(name, tensors))
}

export async function loadNamedTensors(dir: string, name: string): Promise<tf.NamedTensorMap> {
  let file: WeightFile
  let bin: Buffer
  try {
    file = JSON.parse(await fs.readFile(path.join(dir, `${name}.json`), 'utf8')) as WeightFile
    bin = await fs.readFile(path.join(dir, `${name}.bin`))
  } catch (err) {
    throw new AppError('NOT_FOUND', `cannot read ${name} weights in ${dir}: ${(err as Error).message}`)
  }
  if (file.format !== 'unet-ssl-weights') throw new AppError('PARSE_ERROR', `${name}.json in ${dir} is not a weight file`)
  const buf = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer
  return tf.io.decodeWeights(buf, file.specs)
}

/** Encoder weights keyed "<layer>/<index>", index in layer.getWeights() order (kernel, bias). */
export function encoderWeights(model: tf.LayersModel): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {}
  for (const layer of encoderLayers(model)) layer.getWeights().forEach((w, i) => (out[`${layer.name}/${i}`] = w))
  return out
}

export async function saveEncoderWeights(model: tf.LayersModel, dir: string): Promise<void> {
  await saveNamedTensors(dir, 'encoder', encoderWeights(model))
}

/** The encoder weight files saveEncoderWeights writes. */
export const encoderFiles = (model: tf.LayersModel): Promise<Files> => namedTensorFiles('encoder', encoderWeights(model))

/** Loads encoder weights into model, checking every layer and shape before changing anything. */
export async function loadEncoderWeights(model: tf.LayersModel, dir: string): Promise<void> {
  const saved = await loadNamedTensors(dir, 'encoder')
  try {
    const plan: [tf.layers.Layer, tf.Tensor[]][] = []
    for (const layer of encoderLayers(model)) {
      const current = layer.getWeights()
      const next = current.map((w, i) => {
        const t = saved[`${layer.name}/${i}`]
        if (!t) throw new AppError('BAD_INPUT', `checkpoint in ${dir} has no weights for ${layer.name}`)
        if (!tf.util.arraysEqual(t.shape, w.shape)) {
          throw new AppError('BAD_INPUT', `checkpoint does not fit the model: ${layer.name} is [${w.shape}] here, [${t.shape}] in ${dir}`)
        }
        return t
      })
      if (next.length) plan.push([layer, next])
    }
    for (const [layer, ws] of plan) layer.setWeights(ws)
  } finally {
    tf.dispose(Object.values(saved))
  }
}

/** A whole model in tfjs layers format: model.json (topology + manifest) and weights.bin. */
export async function modelFiles(model: tf.LayersModel): Promise<Files> {
  let files: Files = {}
  await model.save(
    tf.io.withSaveHandler(async (art) => {
      const weights = art.weightData ? new Uint8Array(tf.io.concatenateArrayBuffers(art.weightData as ArrayBuffer | ArrayBuffer[])) : new Uint8Array()
      const json = { modelTopology: art.modelTopology, format: 'layers-model', generatedBy: 'unet-ssl-workbench', weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs ?? [] }] }
      files = { 'weights.bin': weights, 'model.json': utf8(JSON.stringify(json)) }
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(art) }
    }),
  )
  return files
}

/** Saves a whole model in tfjs layers format: model.json (topology + manifest) and weights.bin. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await writeFiles(dir, await modelFiles(model))
}

export async function loadModel(dir: string): Promise<tf.LayersModel> {
  let json: { modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] }
  let bin: Buffer
  try {
    json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'))
    bin = await fs.readFile(path.join(dir, 'weights.bin'))
  } catch (err) {
    throw new AppError('NOT_FOUND', `no tfjs layers model in ${dir}: ${(err as Error).message}`)
  }
  const data = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer
  const specs = json.weightsManifest.flatMap((g) => g.weights)
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: data }))
}
