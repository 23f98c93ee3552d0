// WebGPU reports its errors (a buffer it could not allocate, an invalid pass, a lost device) as events,
// not exceptions, and the work goes on with empty buffers: a batch too large for the GPU's memory would
// train on zeros and report plausible losses. webgpu-init.ts records the first such event here; the
// training loop and the predictions check after each read and fail instead of keeping the results.
import { AppError } from '../../../shared/errors'

let fault: { kind: string; message: string } | null = null

/** Kept until checked; later errors are the first one's consequences. */
export function recordGpuFault(kind: string, message: string): void {
  fault ??= { kind, message: message.split('\n')[0]!.trim() }
}

/** Throws the GPU's first error since the last check, said as what happened `where`. */
export function throwOnGpuFault(where: string): void {
  if (!fault) return
  const f = fault
  fault = null
  const hint = f.kind === 'out of memory' ? ' A smaller batch needs less GPU memory.' : ''
  throw new AppError('INTERNAL', `the GPU reported ${f.kind} ${where} (${f.message}), so those results are not kept.${hint}`)
}
