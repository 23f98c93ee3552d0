// The three training objectives of the paper as loss functions of (model, batch): Dice finetuning,
// masked-autoencoder reconstruction, and SimCLR's NT-Xent on two augmented views.
import * as tf from '@tensorflow/tfjs'
import { applyMask, type MaskConfig, PAPER_MASK, type MaskKind } from './augment/mae-mask'
import { SIMCLR_AUGMENT, simclrPair } from './augment/simclr'
import type { Batch } from './data/source'
import { diceLoss } from './losses/dice'
import { maskedMseLoss, mseLoss } from './losses/mse'
import { ntXentLoss } from './losses/nt-xent'

export type Objective =
  | { kind: 'segment' }
  | { kind: 'mae'; mask: MaskKind; ratio?: number; patch?: number; lossOn?: 'all' | 'masked' }
  | { kind: 'simclr'; viewSize: number; temperature?: number }

export const needsTrimaps = (o: Objective): boolean => o.kind === 'segment'

/** Loss of one batch; call inside optimizer.minimize (it creates tensors the caller's tidy frees). */
export function objectiveLoss(model: tf.LayersModel, batch: Batch, o: Objective, seed: number): tf.Scalar {
  switch (o.kind) {
    case 'segment': {
      if (!batch.y) throw new Error('segment objective needs trimap batches')
      return diceLoss(batch.y, model.apply(batch.x, { training: true }) as tf.Tensor4D)
    }
    case 'mae': {
      const cfg: MaskConfig = { kind: o.mask, ratio: o.ratio ?? PAPER_MASK.ratio, patch: o.patch ?? PAPER_MASK.patch }
      const { input, mask } = applyMask(batch.x, cfg, seed)
      const pred = model.apply(input, { training: true }) as tf.Tensor4D
      // The paper's loss is MSE between the original and the whole reconstruction.
      return o.lossOn === 'masked' && o.mask !== 'none' ? maskedMseLoss(batch.x, pred, mask) : mseLoss(batch.x, pred)
    }
    case 'simclr': {
      const views = simclrPair(batch.x, { ...SIMCLR_AUGMENT, outSize: o.viewSize }, seed)
      const z = model.apply(views, { training: true }) as tf.Tensor2D
      return ntXentLoss(z, o.temperature ?? 0.2)
    }
  }
}
