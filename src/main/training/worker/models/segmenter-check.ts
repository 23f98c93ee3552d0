// The check, from model.json alone, that a checkpoint folder holds a 3-class segmentation U-Net (not a
// SimCLR or MAE pretraining): the prediction worker, the predictions service and `cli eval` ask it first.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../../../../shared/errors'

interface LayerJson {
  class_name: string
  config: { name?: string; filters?: number; activation?: string; batch_input_shape?: (number | null)[] }
}

/** The model's input side, after checking (from model.json alone) that it is a 3-class segmentation U-Net. */
export function checkSegmentationCheckpoint(dir: string): number {
  const file = join(dir, 'model.json')
  if (!existsSync(file)) throw new AppError('NOT_FOUND', `${dir} is not a checkpoint folder: it has no model.json`)
  let layers: LayerJson[]
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { modelTopology?: { config?: { layers?: LayerJson[] } } }
    layers = json.modelTopology?.config?.layers ?? []
  } catch (err) {
    throw new AppError('PARSE_ERROR', `${file} is not valid JSON: ${(err as Error).message}`)
  }
  const head = layers.find((l) => l.config.name === 'head')
  const input = layers.find((l) => l.class_name === 'InputLayer')?.config.batch_input_shape
  if (!head || !input) throw new AppError('BAD_INPUT', `the model in ${dir} has no segmentation head: it looks like a SimCLR pretraining checkpoint, not a finetuned U-Net`)
  if (head.config.filters !== 3 || head.config.activation !== 'softmax') {
    throw new AppError('BAD_INPUT', `the model in ${dir} ends in ${head.config.filters} ${head.config.activation} channels, not a 3-class softmax: it is a masked-autoencoder pretraining checkpoint, finetune it first`)
  }
  const size = input[1]
  if (typeof size !== 'number' || input[2] !== size || input[3] !== 3) throw new AppError('BAD_INPUT', `the model in ${dir} takes [${input.join(', ')}] inputs, not square RGB images`)
  return size
}
