// NT-Xent (losses/nt-xent.ts) on webgpu in four programs of the project's and tfjs's matMuls, where tfjs's
// ops take about 60 (the norm and its gradient, the masks, logSoftmax, and each gradient's broadcasts):
// rows normalised, each row's loss from its similarities (a workgroup per row), each row's gradient the
// same way, and the gradient back through the normalisation.
import type { TensorInfo } from '@tensorflow/tfjs'
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu'
import { FlatProgram } from './flat-program'

const THREADS = 64
/** What the diagonal's logits lose, as in losses/nt-xent.ts, so that exp gives 0 there. */
const SELF = 1e9
/** The norm's floor, as in losses/nt-xent.ts. */
const FLOOR = 1e-12

/** A thread per row of z [rows, D]; the output has z's shape. */
abstract class PerRowProgram extends FlatProgram {
  constructor(shape: number[]) {
    super(shape, shape[0]!)
  }

  /** The row's work, with index (the row), d (its length) in scope. */
  protected abstract rowCode(): string

  getUserCode(): string {
    return `
      fn main(index : i32) {
        let d = uniforms.zShape.y;
        if (index >= uniforms.zShape.x) { return; }
        ${this.rowCode()}
      }
    `
  }
}

/** zn_i = z_i / max(‖z_i‖, 1e-12). */
class NormalizeRowsProgram extends PerRowProgram {
  variableNames = ['z']
  shaderKey = 'unetNormalizeRows'

  protected rowCode(): string {
    return `
      var ss = 0.0;
      for (var k = 0; k < d; k = k + 1) { let v = z[index * d + k]; ss = ss + v * v; }
      let norm = max(sqrt(ss), ${FLOOR});
      for (var k = 0; k < d; k = k + 1) { result[index * d + k] = z[index * d + k] / norm; }
    `
  }
}

/**
 * dz_i from dzn_i through zn = z / max(‖z‖, 1e-12): (dzn − zn·(zn·dzn)) / ‖z‖ where the norm is
 * above the floor, dzn / 1e-12 where it is not (the floor is a constant).
 */
class NormalizeRowsGradProgram extends PerRowProgram {
  variableNames = ['z', 'zn', 'dzn']
  shaderKey = 'unetNormalizeRowsGrad'

  protected rowCode(): string {
    return `
      var ss = 0.0;
      var dot = 0.0;
      for (var k = 0; k < d; k = k + 1) {
        let at = index * d + k;
        ss = ss + z[at] * z[at];
        dot = dot + zn[at] * dzn[at];
      }
      let norm = sqrt(ss);
      for (var k = 0; k < d; k = k + 1) {
        let at = index * d + k;
        if (norm >= ${FLOOR}) { result[at] = (dzn[at] - zn[at] * dot) / norm; } else { result[at] = dzn[at] / ${FLOOR}; }
      }
    `
  }
}

// Row i's logits l_ij = sim_ij / τ − 1e9·[j = i], their max and log-sum-exp, by a workgroup per row.
const ROW_SNIPPET = `
  var<workgroup> red : array<f32, ${THREADS}>;

  fn logit(i : i32, j : i32, n : i32) -> f32 {
    return sim[i * n + j] / uniforms.temperature - select(0.0, ${SELF}, j == i);
  }

  // Every thread's value combined over the workgroup (max when isMax, else sum); every thread gets it.
  fn combine(v : f32, li : i32, isMax : bool) -> f32 {
    red[li] = v;
    workgroupBarrier();
    for (var s = ${THREADS / 2}; s > 0; s = s / 2) {
      if (li < s) {
        if (isMax) { red[li] = max(red[li], red[li + s]); } else { red[li] = red[li] + red[li + s]; }
      }
      workgroupBarrier();
    }
    let out = red[0];
    workgroupBarrier();
    return out;
  }

  // log Σ_j exp(l_ij), shifted by the row's max as logSoftmax does.
  fn logSumExp(i : i32, n : i32, li : i32) -> f32 {
    var m = -3.0e38;
    for (var j = li; j < n; j = j + ${THREADS}) { m = max(m, logit(i, j, n)); }
    m = combine(m, li, true);
    var s = 0.0;
    for (var j = li; j < n; j = j + ${THREADS}) { s = s + exp(logit(i, j, n) - m); }
    return log(combine(s, li, false)) + m;
  }

  fn rowOf() -> i32 {
    return i32(workgroupId.x + numWorkgroups.x * (workgroupId.y + numWorkgroups.y * workgroupId.z));
  }
`

/**
 * A workgroup per row i of sim [n, n], which has found the row's log-sum-exp `lse` (every workgroup
 * meets the barriers: one past the last row, from a folded dispatch, reads row n − 1 and writes nothing).
 */
abstract class SimRowsProgram implements WebGPUProgram {
  abstract variableNames: string[]
  abstract shaderKey: string
  uniforms = 'temperature : f32,'
  workgroupSize: [number, number, number] = [THREADS, 1, 1]
  dispatchLayout: { x: number[] }
  dispatch: [number, number, number]

  constructor(public outputShape: number[]) {
    this.dispatchLayout = { x: outputShape.map((_, k) => k) }
    this.dispatch = [outputShape[0]!, 1, 1]
  }

  /** Row i's output, with i, n, li, lse and partner (p(i) = (i + n/2) mod n) in scope. */
  protected abstract rowCode(): string

  getUserCode(): string {
    return `
      ${ROW_SNIPPET}
      fn main(index : i32) {
        let n = uniforms.simShape.x;
        let row = rowOf();
        let i = min(row, n - 1);
        let li = i32(localIndex);
        let lse = logSumExp(i, n, li);
        if (row >= n) { return; }
        let partner = (i + n / 2) % n;
        ${this.rowCode()}
      }
    `
  }
}

/** loss_i = log Σ_j exp(l_ij) − l_{i,p(i)}. */
class NtXentRowsProgram extends SimRowsProgram {
  variableNames = ['sim']
  shaderKey = 'unetNtXentRows'

  protected rowCode(): string {
    return 'if (li == 0) { result[i] = lse - logit(i, partner, n); }'
  }
}

/** dLoss/dsim_ij = scale · (softmax_ij − [j = p(i)]) / τ, scale = dy / n (the loss is a mean over rows). */
class NtXentRowsGradProgram extends SimRowsProgram {
  variableNames = ['sim', 'dy']
  shaderKey = 'unetNtXentRowsGrad'

  protected rowCode(): string {
    return `
      let scale = dy[0] / f32(n) / uniforms.temperature;
      for (var j = li; j < n; j = j + ${THREADS}) {
        result[i * n + j] = scale * (exp(logit(i, j, n) - lse) - select(0.0, 1.0, j == partner));
      }
    `
  }
}

const temperatureUniform = (t: number): { type: string; data: number[] }[] => [{ type: 'float32', data: [t] }]

function checkZ(z: TensorInfo): void {
  if (z.dtype !== 'float32' || z.shape.length !== 2 || z.shape[0]! % 2 !== 0 || z.shape[0]! < 4) throw new Error(`NT-Xent: z must be float32 [2B, D] with B ≥ 2, got ${z.dtype} ${z.shape.join('×')}`)
}

function checkSim(sim: TensorInfo): void {
  const [n, m] = sim.shape
  if (sim.dtype !== 'float32' || sim.shape.length !== 2 || n !== m || n! % 2 !== 0) throw new Error(`NT-Xent: similarities must be float32 [2B, 2B], got ${sim.dtype} ${sim.shape.join('×')}`)
}

export function normalizeRowsWebgpu(z: TensorInfo, backend: WebGPUBackend): TensorInfo {
  checkZ(z)
  return backend.runWebGPUProgram(new NormalizeRowsProgram(z.shape), [z], 'float32')
}

export function normalizeRowsGradWebgpu(z: TensorInfo, zn: TensorInfo, dzn: TensorInfo, backend: WebGPUBackend): TensorInfo {
  checkZ(z)
  if (zn.shape.join() !== z.shape.join() || dzn.shape.join() !== z.shape.join()) throw new Error(`NT-Xent: z, zn and dzn must share one shape, got ${[z, zn, dzn].map((t) => t.shape.join('×')).join(', ')}`)
  return backend.runWebGPUProgram(new NormalizeRowsGradProgram(z.shape), [z, zn, dzn], 'float32')
}

export function ntXentRowsWebgpu(sim: TensorInfo, temperature: number, backend: WebGPUBackend): TensorInfo {
  checkSim(sim)
  return backend.runWebGPUProgram(new NtXentRowsProgram([sim.shape[0]!]), [sim], 'float32', temperatureUniform(temperature) as never)
}

export function ntXentRowsGradWebgpu(sim: TensorInfo, dy: TensorInfo, temperature: number, backend: WebGPUBackend): TensorInfo {
  checkSim(sim)
  if (dy.shape.join() !== '1') throw new Error(`NT-Xent gradient: dy must be [1], got ${dy.shape.join('×')}`)
  return backend.runWebGPUProgram(new NtXentRowsGradProgram([sim.shape[0]!, sim.shape[0]!]), [sim, dy], 'float32', temperatureUniform(temperature) as never)
}
