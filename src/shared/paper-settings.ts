// The paper's training settings and the shape of its Tables 1 and 2: what the experiment templates
// (run-templates.ts, used by the Train tab and the CLI) build from and the compare view lays out.
import type { PretrainMethod } from './training-protocol'

/** Section 2 of the paper. Batch sizes there were 384 (SimCLR) and 256 (finetune). */
export const PAPER_SETTINGS = {
  epochs: 20,
  imageSize: 128,
  simclrSize: 64,
  learningRate: 1e-3,
  temperature: 0.2,
  batchSize: { simclr: 384, finetune: 256 },
} as const

export const TABLE1_TAG = 'Paper Table 1'
export const TABLE2_TAG = 'Paper Table 2'
export const SWEEP_TAG = 'Label sweep'

export const TABLE1_METHODS: readonly PretrainMethod[] = ['simclr', 'mae-patch', 'mae-pixel', 'mae-none']

export const TABLE2_FRACTIONS = [0.9, 0.1, 0.01] as const
/** Table 2 rows in the paper's order: encoder weights × skip connections. */
export const TABLE2_ROWS = [
  { frozen: false, skips: false, label: 'Unfrozen · no skip' },
  { frozen: false, skips: true, label: 'Unfrozen · skip' },
  { frozen: true, skips: false, label: 'Frozen · no skip' },
  { frozen: true, skips: true, label: 'Frozen · skip' },
] as const
