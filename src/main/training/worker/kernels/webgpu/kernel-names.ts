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
 * Inputs { weight, m, v, grad }, attrs AdamAttrs (adam-program.ts); outputs [weight, m, v] after one
 * Adam step, as tfjs's AdamOptimizer computes them. Only the webgpu backend has it (training/worker/adam.ts).
 */
export const ADAM_UPDATE = 'UnetAdamUpdate'
