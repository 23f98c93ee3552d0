// Field-by-field comparison of two runs' configs for the compare view's diff panel.
import type { RunConfig } from '../../../../shared/types/runs'
import { labelsText, methodLabel } from './format'

export interface DiffRow {
  field: keyof RunConfig
  label: string
  a: string
  b: string
  same: boolean
}

const FIELDS: { field: keyof RunConfig; label: string; show: (c: RunConfig) => string }[] = [
  { field: 'kind', label: 'Kind', show: (c) => c.kind },
  { field: 'datasetId', label: 'Dataset', show: (c) => `#${c.datasetId}` },
  { field: 'method', label: 'Method', show: (c) => methodLabel(c.method) },
  { field: 'labels', label: 'Labels', show: (c) => labelsText(c.labels) },
  { field: 'split', label: 'Split', show: (c) => c.split ?? 'official' },
  { field: 'frozenEncoder', label: 'Encoder', show: (c) => (c.frozenEncoder ? 'frozen' : 'trainable') },
  { field: 'skips', label: 'Skip connections', show: (c) => (c.skips ? 'on' : 'off') },
  { field: 'channels', label: 'Encoder channels', show: (c) => c.channels?.join('/') ?? 'paper (32/64/128/256)' },
  { field: 'epochs', label: 'Epochs', show: (c) => String(c.epochs) },
  { field: 'batchSize', label: 'Batch size', show: (c) => String(c.batchSize) },
  { field: 'imageSize', label: 'Image size', show: (c) => `${c.imageSize} px` },
  { field: 'simclrSize', label: 'SimCLR size', show: (c) => `${c.simclrSize} px` },
  {
    field: 'augment',
    label: 'SimCLR augmentation',
    show: ({ augment: a }) =>
      a ? `crop ${a.scale.join('–')}, flip ${a.flipProb}, jitter p ${a.jitterProb} (${a.brightness}/${a.contrast}/${a.saturation}/${a.hue}, ${a.jitterOrder} order), gray p ${a.grayProb}` : '—',
  },
  { field: 'learningRate', label: 'Learning rate', show: (c) => String(c.learningRate) },
  { field: 'seed', label: 'Seed', show: (c) => String(c.seed) },
  { field: 'backend', label: 'Backend', show: (c) => c.backend ?? 'auto' },
  { field: 'runOn', label: 'Trained on', show: (c) => (c.runOn === 'pool' ? 'worker pool' : c.runOn === 'local' ? 'this machine' : 'as set') },
  { field: 'parentRunId', label: 'Pretraining run', show: (c) => (c.parentRunId ? `#${c.parentRunId}` : '—') },
  { field: 'tag', label: 'Tag', show: (c) => c.tag ?? '—' },
]

/** Every config field of a and b as text, flagged where they differ. */
export function diffConfigs(a: RunConfig, b: RunConfig): DiffRow[] {
  return FIELDS.map(({ field, label, show }) => {
    const sa = show(a)
    const sb = show(b)
    return { field, label, a: sa, b: sb, same: sa === sb }
  })
}
