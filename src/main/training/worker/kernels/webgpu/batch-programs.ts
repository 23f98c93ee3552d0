// WGSL programs that turn a batch's bytes into the tensors a step reads: images as floats in [0, 1], and
// trimaps as one-hot targets. Each thread reads one int32 word of four packed bytes.
import type { TensorInfo } from '@tensorflow/tfjs'
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu'
import { FlatProgram } from './flat-program'

/** A thread per int32 word of the packed bytes. */
abstract class PackedBytesProgram extends FlatProgram {
  constructor(outputShape: number[], bytes: number) {
    super(outputShape, Math.ceil(bytes / 4))
  }
}

// byte / 255 rounded once from the exact quotient, as the host computes it: a float32 division on the
// device may be a few ulps off (WGSL allows 2.5), and wasm and webgpu should see the same images.
const UNIT = Array.from({ length: 256 }, (_, v) => String(Math.fround(v / 255))).join(', ')

/** result[i] = byte i / 255: thread w writes the four floats of word w. */
export class BytesToUnitProgram extends PackedBytesProgram {
  variableNames = ['bytes']
  shaderKey = 'unetBytesToUnit'

  getUserCode(): string {
    return `
      const unit = array<f32, 256>(${UNIT});

      fn main(index : i32) {
        if (index * 4 >= uniforms.size) { return; }
        let word = bitcast<u32>(bytes[index]);
        for (var k = 0; k < 4; k = k + 1) {
          let o = index * 4 + k;
          if (o < uniforms.size) {
            result[o] = unit[(word >> (8u * u32(k))) & 255u];
          }
        }
      }
    `
  }
}

/** result[p·3 + c] = (id of pixel p == c + 1): thread w writes the twelve floats of word w's four pixels. */
export class TrimapOneHotProgram extends PackedBytesProgram {
  variableNames = ['ids']
  shaderKey = 'unetTrimapOneHot'

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index * 12 >= uniforms.size) { return; }
        let word = bitcast<u32>(ids[index]);
        for (var k = 0; k < 4; k = k + 1) {
          let p = index * 4 + k;
          if (p * 3 < uniforms.size) {
            let id = i32((word >> (8u * u32(k))) & 255u);
            for (var c = 0; c < 3; c = c + 1) {
              result[p * 3 + c] = f32(id == c + 1);
            }
          }
        }
      }
    `
  }
}

function packedInput(t: TensorInfo, bytes: number, kernel: string): void {
  if (t.dtype !== 'int32' || t.shape.length !== 1 || t.shape[0] !== Math.ceil(bytes / 4)) {
    throw new Error(`${kernel}: ${bytes} bytes need an int32 tensor of ${Math.ceil(bytes / 4)} words, got ${t.dtype} ${t.shape.join('×')}`)
  }
}

export function bytesToUnitWebgpu(bytes: TensorInfo, shape: number[], backend: WebGPUBackend): TensorInfo {
  const n = shape.reduce((a, b) => a * b, 1)
  packedInput(bytes, n, 'UnetBytesToUnit')
  return backend.runWebGPUProgram(new BytesToUnitProgram(shape, n), [bytes], 'float32')
}

export function trimapOneHotWebgpu(ids: TensorInfo, shape: number[], backend: WebGPUBackend): TensorInfo {
  if (shape.length !== 4 || shape[3] !== 3) throw new Error(`UnetTrimapOneHot: shape must be [N, H, W, 3], got ${shape.join('×')}`)
  const pixels = shape[0]! * shape[1]! * shape[2]!
  packedInput(ids, pixels, 'UnetTrimapOneHot')
  return backend.runWebGPUProgram(new TrimapOneHotProgram(shape, pixels), [ids], 'float32')
}
