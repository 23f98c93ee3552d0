// SimCLR's augmentation of a whole batch in one WebGPU program: each workgroup makes one view (crop and
// resize, flip, the colour jitter's blends and hue in their drawn order, grayscale) where tfjs's ops
// take ≈ 100 programs and a dozen uploads a step. The per-image mean gray that contrast blends
// towards is a reduction over the view as it is at that point, so a view stays in one workgroup and
// each stage ends with a workgroup sum.
import type { TensorInfo } from '@tensorflow/tfjs'
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu'
import { GRAY_WEIGHTS } from '../../augment/colour'
import { VIEW_ROW } from '../../augment/view-params'

const THREADS = 256
const f32 = (v: number): string => String(Math.fround(v))

/**
 * Inputs: image [N, H, W, 3] in [0, 1], params [V, VIEW_ROW.length] (augment/view-params.ts); output
 * [V, S, S, 3]. The same operations in the same order as the composite (simclr.ts, jitter.ts, colour.ts),
 * so the two differ by float32 rounding.
 */
export class SimclrViewsProgram implements WebGPUProgram {
  variableNames = ['image', 'params']
  workgroupSize: [number, number, number] = [THREADS, 1, 1]
  outputShape: number[]
  dispatchLayout = { x: [0, 1, 2, 3] }
  dispatch: [number, number, number]
  shaderKey = 'unetSimclrViews'

  constructor(views: number, size: number) {
    this.outputShape = [views, size, size, 3]
    this.dispatch = [views, 1, 1]
  }

  getUserCode(): string {
    const [w0, w1, w2] = GRAY_WEIGHTS.map(f32)
    const R = VIEW_ROW
    return `
      var<workgroup> partial : array<f32, ${THREADS}>;

      fn grayOf(v : vec3<f32>) -> f32 { return v.x * ${w0} + v.y * ${w1} + v.z * ${w2}; }

      // The mean over the view of what each thread summed; every thread gets it.
      fn meanOf(sum : f32, li : i32, pixels : i32) -> f32 {
        partial[li] = sum;
        workgroupBarrier();
        for (var s = ${THREADS / 2}; s > 0; s = s / 2) {
          if (li < s) { partial[li] = partial[li] + partial[li + s]; }
          workgroupBarrier();
        }
        let mean = partial[0] / f32(pixels);
        workgroupBarrier();
        return mean;
      }

      fn param(view : i32, k : i32) -> f32 { return params[view * ${R.length} + k]; }

      fn pixelAt(n : i32, row : i32, col : i32) -> vec3<f32> {
        let at = ((n * uniforms.imageShape.y + row) * uniforms.imageShape.z + col) * 3;
        return vec3<f32>(image[at], image[at + 1], image[at + 2]);
      }

      // tf.image.cropAndResize, bilinear, at crop pixel (y, x). Boxes lie inside the image; an index
      // that rounding puts a hair outside is clamped rather than extrapolated to 0.
      fn crop(view : i32, n : i32, y : i32, x : i32, size : i32) -> vec3<f32> {
        let hm1 = f32(uniforms.imageShape.y - 1);
        let wm1 = f32(uniforms.imageShape.z - 1);
        let y1 = param(view, ${R.box});
        let x1 = param(view, ${R.box + 1});
        let y2 = param(view, ${R.box + 2});
        let x2 = param(view, ${R.box + 3});
        var yIn = 0.5 * (y1 + y2) * hm1;
        var xIn = 0.5 * (x1 + x2) * wm1;
        if (size > 1) {
          yIn = y1 * hm1 + f32(y) * ((y2 - y1) * hm1 / f32(size - 1));
          xIn = x1 * wm1 + f32(x) * ((x2 - x1) * wm1 / f32(size - 1));
        }
        yIn = clamp(yIn, 0.0, hm1);
        xIn = clamp(xIn, 0.0, wm1);
        let top = i32(floor(yIn));
        let bottom = i32(ceil(yIn));
        let left = i32(floor(xIn));
        let right = i32(ceil(xIn));
        let yLerp = yIn - f32(top);
        let xLerp = xIn - f32(left);
        let tl = pixelAt(n, top, left);
        let tr = pixelAt(n, top, right);
        let bl = pixelAt(n, bottom, left);
        let br = pixelAt(n, bottom, right);
        let upper = tl + (tr - tl) * xLerp;
        let lower = bl + (br - bl) * xLerp;
        return upper + (lower - upper) * yLerp;
      }

      // A jitter slot: x·M with M = a·I + g·(gray weights as rows), plus m·meanGray, clamped.
      fn slot(v : vec3<f32>, a : f32, g : f32, m : f32, meanGray : f32) -> vec3<f32> {
        let c0 = vec3<f32>(a + g * ${w0}, g * ${w0}, g * ${w0});
        let c1 = vec3<f32>(g * ${w1}, a + g * ${w1}, g * ${w1});
        let c2 = vec3<f32>(g * ${w2}, g * ${w2}, a + g * ${w2});
        let y = v.x * c0 + v.y * c1 + v.z * c2;
        return clamp(y + vec3<f32>(meanGray * m), vec3<f32>(0.0), vec3<f32>(1.0));
      }

      fn mod6(y : vec3<f32>) -> vec3<f32> { return y - floor(y / 6.0) * 6.0; }

      // colour.ts adjustHue: torchvision's RGB → HSV, shift, HSV → RGB in closed form.
      fn hue(v : vec3<f32>, shift : f32) -> vec3<f32> {
        let maxc = max(max(v.x, v.y), v.z);
        let cr = maxc - min(min(v.x, v.y), v.z);
        let q = (vec3<f32>(maxc) - v) / max(cr, 1e-30);
        let isR = f32(maxc == v.x);
        let notR = 1.0 - isR;
        let isG = f32(maxc == v.y) * notR;
        let isB = notR - isG;
        let h6 = isR * (q.z - q.y) + isG * (2.0 + (q.x - q.z)) + isB * (4.0 + (q.y - q.x));
        let k = mod6(vec3<f32>(h6 + shift * 6.0) + vec3<f32>(5.0, 3.0, 1.0));
        let w = clamp(min(k, vec3<f32>(4.0) - k), vec3<f32>(0.0), vec3<f32>(1.0));
        return vec3<f32>(maxc) - cr * w;
      }

      fn load(at : i32) -> vec3<f32> { return vec3<f32>(result[at], result[at + 1], result[at + 2]); }
      fn store(at : i32, v : vec3<f32>) { result[at] = v.x; result[at + 1] = v.y; result[at + 2] = v.z; }

      fn main(index : i32) {
        // tfjs reads the workgroup id through a private variable, which WGSL's uniformity analysis takes
        // for non-uniform: a workgroup past the last view (a folded dispatch) cannot return before the
        // barriers, so its loops start past the end instead.
        let view = min(i32(workgroupId.x + numWorkgroups.x * (workgroupId.y + numWorkgroups.y * workgroupId.z)), uniforms.outShape.x);
        let size = uniforms.outShape.y;
        let pixels = size * size;
        let li = i32(localIndex);
        let first = select(pixels, li, view < uniforms.outShape.x);
        let base = view * pixels * 3;
        let n = i32(param(min(view, uniforms.outShape.x - 1), ${R.source}));
        // Each thread keeps to the same pixels in every stage, so it only ever reads its own writes.
        var sum = 0.0;
        for (var p = first; p < pixels; p = p + ${THREADS}) {
          let v = clamp(crop(view, n, p / size, p % size, size), vec3<f32>(0.0), vec3<f32>(1.0));
          store(base + p * 3, v);
          sum = sum + grayOf(v);
        }
        var mean = meanOf(sum, li, pixels);
        for (var s = 0; s < 7; s = s + 1) {
          sum = 0.0;
          if (s == 3) {
            let hued = param(view, ${R.hued}) != 0.0;
            let shift = param(view, ${R.hue});
            for (var p = first; p < pixels; p = p + ${THREADS}) {
              var v = load(base + p * 3);
              if (hued) { v = v + (hue(v, shift) - v); store(base + p * 3, v); }
              sum = sum + grayOf(v);
            }
          } else {
            let at = select(${R.after} + 3 * (s - 4), ${R.before} + 3 * s, s < 3);
            let a = param(view, at);
            let g = param(view, at + 1);
            let m = param(view, at + 2);
            for (var p = first; p < pixels; p = p + ${THREADS}) {
              let v = slot(load(base + p * 3), a, g, m, mean);
              store(base + p * 3, v);
              sum = sum + grayOf(v);
            }
          }
          mean = meanOf(sum, li, pixels);
        }
        if (param(view, ${R.gray}) != 0.0) {
          for (var p = first; p < pixels; p = p + ${THREADS}) {
            let v = load(base + p * 3);
            store(base + p * 3, v + (vec3<f32>(grayOf(v)) - v));
          }
        }
      }
    `
  }
}

/** All views of a batch: image [N, H, W, 3], params [V, VIEW_ROW.length] → [V, size, size, 3]. */
export function simclrViewsWebgpu(image: TensorInfo, params: TensorInfo, size: number, backend: WebGPUBackend): TensorInfo {
  if (image.dtype !== 'float32' || image.shape.length !== 4 || image.shape[3] !== 3) throw new Error(`UnetSimclrViews: image must be float32 [N, H, W, 3], got ${image.dtype} ${image.shape.join('×')}`)
  if (params.dtype !== 'float32' || params.shape.length !== 2 || params.shape[1] !== VIEW_ROW.length) throw new Error(`UnetSimclrViews: params must be float32 [V, ${VIEW_ROW.length}], got ${params.dtype} ${params.shape.join('×')}`)
  if (!(Number.isInteger(size) && size > 0)) throw new Error(`UnetSimclrViews: size must be a positive integer, got ${size}`)
  return backend.runWebGPUProgram(new SimclrViewsProgram(params.shape[0]!, size), [image, params], 'float32')
}
