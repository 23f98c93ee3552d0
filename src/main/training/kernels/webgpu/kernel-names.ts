// Names of the project's own webgpu kernels, kept apart from the kernels so that callers can look for
// them (tf.getKernel) without loading tfjs-backend-webgpu.

/** Inputs { x, dy }, attrs as Conv2DBackpropFilter's; outputs [dW, db]: a conv's filter and bias gradients in one pass. */
export const FILTER_BIAS_GRAD = 'UnetFilterBiasGrad'
