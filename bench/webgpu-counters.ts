// What a webgpu step costs the host, counted rather than timed (counts hold on any adapter, SwiftShader
// included): GPU programs dispatched, queue submits, and uploads from host memory with their bytes; and
// the host time spent dispatching programs, the part of a step's recording that is tfjs-webgpu's and Dawn's.
// GPU.md found the host side, tfjs recording ≈ 500 programs and uploading per step, to set the pace
// once the filter gradient was fast; these are the numbers that say how much of it is left.
import * as tf from '@tensorflow/tfjs'

export interface StepCounts {
  programs: number
  /** Host milliseconds inside the backend's runWebGPUProgram: shader key, uniforms, bind group, dispatch. */
  programMs: number
  submits: number
  uploads: number
  uploadBytes: number
  byProgram: Map<string, number>
}

interface Counted {
  runWebGPUProgram: (program: object, ...rest: unknown[]) => unknown
  uploadToGPU: (dataId: object) => void
  submitQueue: () => void
  tensorMap: { get(id: object): { values: ArrayLike<number> | null; resource: unknown; shape: number[] } | undefined }
}

/** Wraps the webgpu backend's dispatch, submit and upload; `take()` returns the counts since the last take. */
export function countWebgpu(): { take(): StepCounts } {
  const b = tf.backend() as unknown as Counted
  let c = fresh()
  const run = b.runWebGPUProgram.bind(b)
  b.runWebGPUProgram = (program, ...rest) => {
    c.programs += 1
    const name = program.constructor.name
    c.byProgram.set(name, (c.byProgram.get(name) ?? 0) + 1)
    const t0 = performance.now()
    try {
      return run(program, ...rest)
    } finally {
      c.programMs += performance.now() - t0
    }
  }
  const upload = b.uploadToGPU.bind(b)
  b.uploadToGPU = (dataId) => {
    const d = b.tensorMap.get(dataId)
    if (d && d.resource == null && d.values) {
      c.uploads += 1
      c.uploadBytes += d.shape.reduce((a, x) => a * x, 1) * 4
    }
    upload(dataId)
  }
  const submit = b.submitQueue.bind(b)
  b.submitQueue = () => {
    c.submits += 1
    submit()
  }
  return {
    take: () => {
      const out = c
      c = fresh()
      return out
    },
  }
}

function fresh(): StepCounts {
  return { programs: 0, programMs: 0, submits: 0, uploads: 0, uploadBytes: 0, byProgram: new Map() }
}
