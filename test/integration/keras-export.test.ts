// Guards, without Python, that an export's model.json stays something Keras reads (docs/keras-export.md;
// the full check, which converts and predicts in Keras, is scripts/verify-keras-export.sh): standard
// Keras layer classes only, config keys those classes' constructors take, Keras-2 style graph fields,
// and weights named and shaped as Keras names and shapes them, for every model shape a run can export.
import * as tf from '@tensorflow/tfjs'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toStandardTopology, type Topology } from '../../src/main/training/worker/bundle/standard-topology'
import { buildSimclrModel } from '../../src/main/training/worker/models/projection-head'
import { buildUnet, type UnetConfig } from '../../src/main/training/worker/models/unet'
import { saveModel } from '../../src/main/training/worker/models/weights-io'

// Constructor arguments that both Keras 2 (tf_keras, which tensorflowjs_converter uses) and Keras 3.15
// (inspect.signature, see the doc) take, plus the base Layer's name, trainable and dtype.
const BASE = ['name', 'trainable', 'dtype']
const CONV = ['filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint']
const KERAS_KEYS: Record<string, string[]> = {
  // batch_input_shape is Keras 2's own key; Keras 3's InputLayer still takes it.
  InputLayer: ['batch_input_shape', 'batch_size', 'dtype', 'sparse', 'ragged', 'name'],
  Conv2D: [...BASE, ...CONV, 'groups'],
  Conv2DTranspose: [...BASE, ...CONV, 'output_padding'],
  MaxPooling2D: [...BASE, 'pool_size', 'strides', 'padding', 'data_format'],
  Concatenate: [...BASE, 'axis'],
  GlobalAveragePooling2D: [...BASE, 'data_format', 'keepdims'],
  Dense: [...BASE, 'units', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint'],
}
const ACTIVATIONS = ['relu', 'softmax', 'sigmoid', 'linear']
const INITIALIZERS = ['VarianceScaling', 'Zeros', 'Ones', 'GlorotUniform', 'GlorotNormal', 'HeNormal', 'HeUniform', 'RandomNormal', 'RandomUniform']

interface Exported {
  modelTopology: Topology
  weightsManifest: { weights: { name: string; shape: number[] }[] }[]
  /** weights.bin, unchanged by the export. */
  bin: ArrayBuffer
}

const base: UnetConfig = { inputSize: 16, channels: [4, 8, 8], skips: true, outChannels: 3, outActivation: 'softmax' }
const MODELS: Record<string, () => tf.LayersModel> = {
  'finetune U-Net': () => buildUnet(base),
  'U-Net without skips, sigmoid': () => buildUnet({ ...base, skips: false, outActivation: 'sigmoid' }),
  'U-Net with decoder convs': () => buildUnet({ ...base, decoderConv: true }),
  'SimCLR encoder + head': () => buildSimclrModel(buildUnet(base), base.channels),
}

let dir: string
const exported = new Map<string, Exported>()
const models = new Map<string, tf.LayersModel>()

beforeAll(async () => {
  await tf.setBackend('cpu')
  dir = mkdtempSync(join(tmpdir(), 'wb-keras-'))
  for (const [name, build] of Object.entries(MODELS)) {
    const model = build()
    const ckpt = join(dir, String(models.size))
    await saveModel(model, ckpt)
    const json = JSON.parse(readFileSync(join(ckpt, 'model.json'), 'utf8'))
    // What ExportService.exportRun writes (through the conversion worker): the checkpoint's topology made standard, weights unchanged.
    const bin = readFileSync(join(ckpt, 'weights.bin'))
    exported.set(name, { ...json, modelTopology: toStandardTopology(json.modelTopology), bin: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) })
    models.set(name, model)
  }
})

afterAll(() => {
  for (const m of models.values()) m.dispose()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

/** Every `class_name` nested anywhere in a config (initializers, regularizers…). */
function nestedClassNames(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(nestedClassNames)
  if (v === null || typeof v !== 'object') return []
  const o = v as Record<string, unknown>
  return [...(typeof o.class_name === 'string' ? [o.class_name] : []), ...Object.values(o).flatMap(nestedClassNames)]
}

describe.each(Object.keys(MODELS))('the exported model.json of a %s', (name) => {
  it('names only Keras layers, with config keys their constructors take, in a Keras-2 functional graph', () => {
    const { modelTopology: t } = exported.get(name)!
    expect(['Model', 'Functional']).toContain(t.class_name)
    expect(t.config).toMatchObject({ input_layers: [[expect.any(String), 0, 0]], output_layers: [[expect.any(String), 0, 0]] })
    const names = new Set(t.config.layers.map((l) => l.name))
    for (const layer of t.config.layers) {
      const allowed = KERAS_KEYS[layer.class_name]
      expect(allowed, `${layer.name} is a ${layer.class_name}`).toBeDefined()
      expect(Object.keys(layer.config).filter((k) => !allowed!.includes(k)), `${layer.name} config keys`).toEqual([])
      expect(layer.config.name).toBe(layer.name)
      if ('activation' in layer.config) expect(ACTIVATIONS).toContain(layer.config.activation)
      expect(nestedClassNames(layer.config).filter((c) => !INITIALIZERS.includes(c))).toEqual([])
      // Keras 2 inbound_nodes: [[[layerName, nodeIndex, tensorIndex, kwargs], …]], naming layers of this graph.
      const inbound = layer.inbound_nodes as [string, number, number, object][][]
      for (const [src] of inbound.flat()) expect(names.has(src)).toBe(true)
    }
  })

  it('names and shapes weights as Keras does: <layer>/kernel then <layer>/bias, in layer order', () => {
    const { modelTopology: t, weightsManifest } = exported.get(name)!
    const weights = weightsManifest.flatMap((g) => g.weights)
    const expected = t.config.layers.filter((l) => ['Conv2D', 'Conv2DTranspose', 'Dense'].includes(l.class_name)).flatMap((l) => [`${l.name}/kernel`, `${l.name}/bias`])
    expect(weights.map((w) => w.name)).toEqual(expected)
    for (const layer of t.config.layers) {
      const c = layer.config as { filters?: number; units?: number; kernel_size?: number[] }
      const kernel = weights.find((w) => w.name === `${layer.name}/kernel`)?.shape
      const bias = weights.find((w) => w.name === `${layer.name}/bias`)?.shape
      // Keras kernels: Conv2D [kh, kw, in, out], Conv2DTranspose [kh, kw, out, in], Dense [in, out].
      if (layer.class_name === 'Conv2D') expect([kernel!.slice(0, 2), kernel![3], bias]).toEqual([c.kernel_size, c.filters, [c.filters]])
      if (layer.class_name === 'Conv2DTranspose') expect([kernel!.slice(0, 2), kernel![2], bias]).toEqual([c.kernel_size, c.filters, [c.filters]])
      if (layer.class_name === 'Dense') expect([kernel![1], bias]).toEqual([c.units, [c.units]])
    }
  })

  it('loads in plain tfjs as standard layers and predicts what the model with our fused layers predicts', async () => {
    const e = exported.get(name)!
    const ours = models.get(name)!
    const plain = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: e.modelTopology, weightSpecs: e.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[], weightData: e.bin }))
    const x = tf.randomUniform([2, base.inputSize, base.inputSize, 3], 0, 1, 'float32', 7)
    const [a, b] = [ours.predict(x) as tf.Tensor, plain.predict(x) as tf.Tensor]
    expect(b.shape).toEqual(a.shape)
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBeLessThan(1e-5)
    tf.dispose([x, a, b])
    plain.dispose()
  })
})
