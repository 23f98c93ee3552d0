// The README.md (model card) of an exported run: what the model is, how it was trained, its metrics,
// and how to load it in TensorFlow.js and convert it to Keras.
import type { RunDetail } from '../../../shared/types/runs'
import { channelsOf } from '../../training/worker/models/unet'

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : `${(v * 100).toFixed(2)} %`)

function what(run: RunDetail): string {
  const c = run.config
  if (c.kind === 'finetune') return 'a U-Net that segments a pet photo into a trimap: per pixel, softmax over (pet, background, border)'
  if (c.method === 'simclr') return 'a SimCLR-pretrained U-Net encoder with its projection head (image → 128-d embedding)'
  return `a masked-autoencoder-pretrained U-Net (${c.method}): image → reconstructed RGB (sigmoid)`
}

function training(run: RunDetail, datasetName: string): string[] {
  const c = run.config
  const labels = c.labels ? (c.labels.mode === 'count' ? `${c.labels.count} labelled images` : `${c.labels.fraction * 100} % of the labelled pool`) : 'no labels'
  return [
    `- Kind: ${c.kind}${c.kind === 'finetune' ? `, pretraining: ${c.method}${run.parentRunId !== null ? ` (run #${run.parentRunId})` : ''}` : `, method: ${c.method}`}`,
    `- Dataset: ${datasetName}; ${run.manifest.train.length} training images (${labels}), ${run.manifest.eval.length} held out`,
    `- Channels per level: [${channelsOf(c).join(', ')}]; skip connections ${c.skips ? 'on' : 'off'}; encoder ${c.frozenEncoder ? 'frozen' : 'trainable'}`,
    `- ${c.epochs} epochs, batch ${c.batchSize}, input ${c.kind === 'pretrain' && c.method === 'simclr' ? c.simclrSize : c.imageSize}×${c.kind === 'pretrain' && c.method === 'simclr' ? c.simclrSize : c.imageSize}, Adam lr ${c.learningRate}, seed ${c.seed}, backend ${run.backend ?? 'unknown'}`,
    `- Finished ${run.finishedAt ?? 'n/a'}`,
  ]
}

export function modelCard(run: RunDetail, datasetName: string): string {
  const m = run.metrics
  const size = run.config.kind === 'pretrain' && run.config.method === 'simclr' ? run.config.simclrSize : run.config.imageSize
  return [
    `# ${run.name}`,
    '',
    `Run #${run.id} exported from U-Net SSL Workbench: ${what(run)}.`,
    'Input: [batch, ' + `${size}, ${size}, 3] RGB scaled to [0, 1].` + (run.config.kind === 'finetune' ? ' Class id = argmax + 1 (1 pet, 2 background, 3 border), as in the Oxford-IIIT Pet trimaps.' : ''),
    '',
    '## Training',
    ...training(run, datasetName),
    '',
    '## Metrics (held-out images)',
    m ? `- mean IoU ${pct(m.meanIou)}, foreground IoU ${pct(m.foregroundIou)}, F1 ${pct(m.f1)}, Jaccard ${pct(m.jaccard)}, pixel accuracy ${pct(m.pixelAccuracy)}` : '- none (pretraining runs are not scored)',
    `- final training loss ${run.lastLoss ?? 'n/a'}; per-epoch values in metrics.json`,
    '',
    '## Files',
    '- model.json + weights.bin: TensorFlow.js layers model (standard Keras layers only)',
    '- config.json: the run configuration; metrics.json: per-epoch and final metrics; manifest.json: the dataset and the image names used for training and evaluation',
    '',
    '## Load in TensorFlow.js',
    '```js',
    "const model = await tf.loadLayersModel('file://path/to/this/folder/model.json') // @tensorflow/tfjs-node",
    `const y = model.predict(tf.zeros([1, ${size}, ${size}, 3]))`,
    '```',
    '',
    '## Convert to Keras',
    '```sh',
    'pip install tensorflowjs tf-keras  # the converter reads the model with tf-keras (Keras 2)',
    'tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras model.json model.h5',
    '```',
    'Then `keras.models.load_model("model.h5")`. Every layer is a standard Keras layer; weights keep their names (`<layer>/kernel`, `<layer>/bias`).',
    '',
  ].join('\n')
}
