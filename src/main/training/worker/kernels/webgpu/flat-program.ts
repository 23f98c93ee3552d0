// The shape most of the project's WGSL programs share: one axis of 64-thread workgroups over the threads
// a program needs (tfjs folds it into 2-D or 3-D past the device's per-axis limit), writing an output
// of any shape, with the output's element count as uniforms.size.
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu'

export const WORKGROUP = 64

export abstract class FlatProgram implements WebGPUProgram {
  abstract variableNames: string[]
  abstract shaderKey: string
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1]
  dispatchLayout: { x: number[] }
  dispatch: [number, number, number]
  size = true

  /** `threads`: how many the program runs; one per output element unless said. */
  constructor(
    public outputShape: number[],
    threads = outputShape.reduce((a, b) => a * b, 1),
  ) {
    this.dispatchLayout = { x: outputShape.map((_, i) => i) }
    this.dispatch = [Math.ceil(threads / WORKGROUP), 1, 1]
  }

  abstract getUserCode(): string
}
