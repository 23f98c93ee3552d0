// Rewrites a checkpoint's model.json topology so it names only standard Keras layers: the U-Net's fused
// conv+ReLU layers (custom classes only our code registers) become Conv2D / Conv2DTranspose with a relu
// activation. Their weights have the same names and layouts, so weights.bin is copied unchanged. Runs in the
// training worker (convert-job.ts): building the templates needs a tfjs backend.
import * as tf from '@tensorflow/tfjs'
import { AppError } from '../../../../shared/errors'

/** Layer classes plain @tensorflow/tfjs and Keras both know; an export holds nothing else. */
export const STANDARD_LAYERS: readonly string[] = [
  'InputLayer', 'Conv2D', 'Conv2DTranspose', 'MaxPooling2D', 'Concatenate', 'GlobalAveragePooling2D', 'Dense',
]

interface LayerJson {
  class_name: string
  name?: string
  config: Record<string, unknown>
  inbound_nodes?: unknown
}

export interface Topology {
  class_name: string
  config: { name?: string; layers: LayerJson[]; [k: string]: unknown }
  [k: string]: unknown
}

type Kind = 'conv' | 'up'
// Our custom class name → the standard layer it equals, by construction (see conv-relu-layers.ts).
const CUSTOM: Record<string, Kind> = { UnetConvRelu: 'conv', UnetUpConvRelu: 'up' }
const templates = new Map<Kind, LayerJson>()

/** The layer's serialised form as tfjs writes it, taken from a one-layer model so every field is tfjs's own. */
function template(kind: Kind): LayerJson {
  const cached = templates.get(kind)
  if (cached) return cached
  const layer =
    kind === 'conv'
      ? tf.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same', activation: 'relu', name: 'template' })
      : tf.layers.conv2dTranspose({ filters: 1, kernelSize: 2, strides: 2, padding: 'valid', activation: 'relu', name: 'template' })
  const input = tf.input({ shape: [4, 4, 1] })
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor })
  const json = (model.toJSON(null, false) as unknown as Topology).config.layers[1]!
  model.dispose()
  templates.set(kind, json)
  return json
}

/** A deep copy of `topology` with every custom layer replaced; throws when a layer has no standard form. */
export function toStandardTopology(topology: Topology): Topology {
  const out = structuredClone(topology)
  for (const layer of out.config.layers) {
    const kind = CUSTOM[layer.class_name]
    if (kind) {
      const t = template(kind)
      const { name, trainable, filters } = layer.config
      layer.class_name = t.class_name
      layer.config = { ...structuredClone(t.config), name, trainable: trainable ?? true, filters }
    } else if (!STANDARD_LAYERS.includes(layer.class_name)) {
      throw new AppError('UNSUPPORTED', `layer "${layer.name ?? '?'}" is a ${layer.class_name}, which has no standard Keras equivalent here`)
    }
  }
  return out
}

/** Class names in a topology that a plain tfjs (or Keras) consumer would not know. */
export function nonStandardLayers(topology: Topology): string[] {
  return topology.config.layers.filter((l) => !STANDARD_LAYERS.includes(l.class_name)).map((l) => `${l.name ?? '?'} (${l.class_name})`)
}
