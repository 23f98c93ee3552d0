// The three training objectives of the paper as loss functions of (model, batch): Dice finetuning,
// masked-autoencoder reconstruction, and SimCLR's NT-Xent on two augmented views (made by objectiveInput).
import * as tf from '@tensorflow/tfjs'
import type { SimclrAugment } from '../../../shared/training-protocol'
import { applyMask, type MaskConfig, type MaskKind, PAPER_MASK } from './augment/mae-mask'
import { SIMCLR_AUGMENT, simclrPair } from './augment/simclr'
import type { Batch } from './data/source'
import { diceLoss } from './losses/dice'
import { maskedMseLoss, mseLoss } from './losses/mse'
import { ntXentLoss } from './losses/nt-xent'

export type Objective =
  | { kind: 'segment' }
  | { kind: 'mae'; mask: MaskKind; ratio?: number; patch?: number; lossOn?: 'all' | 'masked' }
  | { kind: 'simclr'; viewSize: number; temperature?: number; augment?: SimclrAugment }

export const needsTrimaps = (o: Objective): boolean => o.kind === 'segment'

/** What the model sees of a batch: SimCLR's two views, MAE's masked images and mask, or nothing extra. */
export type ObjectiveInput = { views: tf.Tensor4D } | { input: tf.Tensor4D; mask: tf.Tensor4D } | null

/**
 * The random augmentation or masking of a batch. Built outside the optimizer's gradient tape: nothing
 * is differentiated through it, and on the tape every intermediate image would be kept until the step ends.
 */
export function objectiveInput(batch: Batch, o: Objective, seed: number): ObjectiveInput {
  switch (o.kind) {
    case 'segment':
      return null
    case 'mae':
      return applyMask(batch.x, maskConfig(o), seed)
    case 'simclr':
      return { views: simclrPair(batch.x, { ...(o.augment ?? SIMCLR_AUGMENT), outSize: o.viewSize }, seed) }
  }
}

const maskConfig = (o: Extract<Objective, { kind: 'mae' }>): MaskConfig => ({ kind: o.mask, ratio: o.ratio ?? PAPER_MASK.ratio, patch: o.patch ?? PAPER_MASK.patch })

/** Loss of one batch given its objectiveInput; call inside optimizer.minimize (the caller's tidy frees its tensors). */
export function objectiveLoss(model: tf.LayersModel, batch: Batch, o: Objective, input: ObjectiveInput): tf.Scalar {
  switch (o.kind) {
    case 'segment': {
      if (!batch.y) throw new Error('segment objective needs trimap batches')
      return diceLoss(batch.y, model.apply(batch.x, { training: true }) as tf.Tensor4D)
    }
    case 'mae': {
      if (!input || !('mask' in input)) throw new Error('MAE needs its masked input')
      const pred = model.apply(input.input, { training: true }) as tf.Tensor4D
      // The paper's loss is MSE between the original and the whole reconstruction.
      return o.lossOn === 'masked' && o.mask !== 'none' ? maskedMseLoss(batch.x, pred, input.mask) : mseLoss(batch.x, pred)
    }
    case 'simclr': {
      if (!input || !('views' in input)) throw new Error('SimCLR needs its two views')
      const z = model.apply(input.views, { training: true }) as tf.Tensor2D
      return ntXentLoss(z, o.temperature ?? 0.2)
    }
  }
}
