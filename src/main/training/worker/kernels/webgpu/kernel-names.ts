// Names of the project's own webgpu kernels, kept apart from the kernels so that callers can look for
// them (tf.getKernel) without loading tfjs-backend-webgpu.

/** Inputs { x, dy }, attrs as Conv2DBackpropFilter's; outputs [dW, db]: a conv's filter and bias gradients in one pass. */
export const FILTER_BIAS_GRAD = 'UnetFilterBiasGrad'

/**
 * Inputs { x, dy }, attrs as Conv2DBackpropFilter's; outputs [dW, Σ x over N·H·W]: a transposed conv's
 * filter and bias gradients in one pass, x being its output gradient (the windows must tile x).
 */
export const TRANSPOSED_FILTER_BIAS_GRAD = 'UnetTransposedFilterBiasGrad'

/**
 * Inputs { weight, mv, grad }: mv is Adam's two moments packed [m | v], flat [2·size]; attrs AdamAttrs
 * (adam-program.ts); outputs [weight, mv] after one Adam step, as tfjs's AdamOptimizer computes them.
 * Only the webgpu backend has it (training/worker/adam.ts).
 */
export const ADAM_UPDATE = 'UnetAdamUpdate'

/**
 * Inputs { bytes: int32, four bytes packed in each element, little-endian }, attrs { shape }; output the
 * first shape-size bytes as float32 in [0, 1] (byte / 255). A batch then crosses to the GPU as its bytes,
 * a quarter of its floats, and the host does no conversion (data/source.ts).
 */
export const BYTES_TO_UNIT = 'UnetBytesToUnit'

/**
 * Inputs { ids: int32, four trimap class ids packed in each element }, attrs { shape: [N, H, W, 3] };
 * output the one-hot of ids 1–3 (0, unlabelled, is all zeros), as data/source.ts builds it on the host.
 */
export const TRIMAP_ONE_HOT = 'UnetTrimapOneHot'

/**
 * Inputs { image: [N, H, W, 3] in [0, 1], params: [V, VIEW_ROW.length] (augment/view-params.ts) }, attrs
 * { size }; output [V, size, size, 3]: SimCLR's views of the batch, as augment/simclr.ts makes them.
 */
export const SIMCLR_VIEWS = 'UnetSimclrViews'

/**
 * Inputs { yTrue, yPred } float32 [N, H, W, 3], attrs { eps }; outputs [sums [3, 3], loss [1]]: the Dice
 * loss of losses/dice.ts and the per-class sums its gradient needs (rows Σ y·p·l, Σ y, Σ p·l).
 */
export const DICE_LOSS = 'UnetDiceLoss'

/** Inputs { yTrue, sums, dy [1] }, attrs { eps }; output dLoss/dyPred [N, H, W, 3] (DICE_LOSS's gradient). */
export const DICE_GRAD = 'UnetDiceGrad'

/** Inputs { x [N, H, W, Cin], w [2, 2, Cout, Cin], b [Cout] }; output relu(conv2dTranspose(x, w, k2 s2) + b). */
export const UPSAMPLE_2X_RELU = 'UnetUpsample2xRelu'

/**
 * NT-Xent's pieces (losses/nt-xent.ts puts them together around tfjs's matMuls): rows normalised
 * { z } → zn; each row's loss { sim } → [2B], attrs { temperature }; its gradient { sim, dy [1] } →
 * dLoss/dsim [2B, 2B] for the mean of the rows' losses; and back through the normalisation
 * { z, zn, dzn } → dz.
 */
export const NT_XENT_NORMALIZE = 'UnetNtXentNormalize'
export const NT_XENT_ROWS = 'UnetNtXentRows'
export const NT_XENT_ROWS_GRAD = 'UnetNtXentRowsGrad'
export const NT_XENT_NORMALIZE_GRAD = 'UnetNtXentNormalizeGrad'

/** Inputs { dy, y } of one shape, y a softmax over the last axis; output the gradient of its logits. */
export const SOFTMAX_GRAD = 'UnetSoftmaxGrad'
