// Worker side of a run bundle's model conversion: a checkpoint's topology rewritten in standard Keras
// layers for an export, and an exported model refitted to our U-Net and saved as a checkpoint for an
// import. The app process reads and checks the bundle's files (services/export/run-bundle.ts).
import type * as tf from '@tensorflow/tfjs'
import { runConfigSchema } from '../../../../shared/api-schemas'
import { AppError } from '../../../../shared/errors'
import type { FromWorker, ToWorker } from '../../../../shared/training-protocol'
import { selectBackend } from '../backend'
import { saveEncoderWeights, saveModel } from '../models/weights-io'
import { adoptWeights, loadExportedModel } from './adopt-weights'
import { toStandardTopology, type Topology } from './standard-topology'

type Msg<T extends ToWorker['type']> = Extract<ToWorker, { type: T }>

export async function exportModelJob(msg: Msg<'exportModel'>, post: (m: FromWorker) => void): Promise<void> {
  await selectBackend({ force: msg.backend, wasmThreads: msg.wasmThreads ?? 1 })
  post({ type: 'modelExported', topology: toStandardTopology(msg.topology as Topology) })
}

export async function importModelJob(msg: Msg<'importModel'>, post: (m: FromWorker) => void): Promise<void> {
  const config = runConfigSchema.safeParse(msg.config)
  if (!config.success) throw new AppError('BAD_INPUT', `the run configuration to import is not valid: ${config.error.message}`)
  await selectBackend({ force: msg.backend, wasmThreads: msg.wasmThreads ?? 1 })
  const loaded = await loadExportedModel(msg.topology, msg.weightSpecs as tf.io.WeightsManifestEntry[], msg.weights, msg.source)
  try {
    const ours = adoptWeights(config.data, loaded, msg.source)
    try {
      // No progress.json or optimizer state: a finished run is never resumed, only exported or finetuned from.
      await saveModel(ours, msg.outDir)
      if (config.data.kind === 'pretrain') await saveEncoderWeights(ours, msg.outDir)
    } finally {
      ours.dispose()
    }
  } finally {
    loaded.dispose()
  }
  post({ type: 'modelImported' })
}
