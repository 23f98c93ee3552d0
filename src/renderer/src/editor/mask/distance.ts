// Exact squared Euclidean distance transform (Felzenszwalb & Huttenlocher, two 1-D passes, O(n)),
// used by the boundary band. Distances are between pixel centres.
const INF = 1e20

/** Returned distances at or above this mean "no feature pixel anywhere". */
export const FAR = 1e19

/** Squared distance from every pixel to the nearest pixel holding `feature`. */
export function squaredDistance(data: Uint8Array, width: number, height: number, feature: number): Float64Array {
  const out = new Float64Array(width * height)
  columnPass(data, width, height, feature, out)
  const f = new Float64Array(width)
  const d = new Float64Array(width)
  const v = new Int32Array(width)
  const z = new Float64Array(width + 1)
  for (let y = 0; y < height; y++) {
    const row = y * width
    for (let x = 0; x < width; x++) f[x] = out[row + x]!
    transform1d(f, width, d, v, z)
    out.set(d, row)
  }
  return out
}

// Squared vertical distance to the nearest feature in the same column. For a binary image this
// 1-D pass needs no parabolas: two sweeps, done row by row so memory is read in order.
function columnPass(data: Uint8Array, width: number, height: number, feature: number, out: Float64Array): void {
  const run = new Float64Array(width).fill(INF)
  for (let y = 0; y < height; y++) {
    const row = y * width
    for (let x = 0; x < width; x++) {
      run[x] = data[row + x] === feature ? 0 : run[x]! + 1
      out[row + x] = run[x]!
    }
  }
  run.fill(INF)
  for (let y = height - 1; y >= 0; y--) {
    const row = y * width
    for (let x = 0; x < width; x++) {
      run[x] = data[row + x] === feature ? 0 : run[x]! + 1
      const best = Math.min(out[row + x]!, run[x]!)
      out[row + x] = best >= INF ? INF : best * best
    }
  }
}

// Lower envelope of the parabolas (q - p)^2 + f[p].
function transform1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0
  v[0] = 0
  z[0] = -INF
  z[1] = INF
  for (let q = 1; q < n; q++) {
    let s = intersection(f, q, v[k]!)
    while (s <= z[k]!) {
      k--
      s = intersection(f, q, v[k]!)
    }
    k++
    v[k] = q
    z[k] = s
    z[k + 1] = INF
  }
  k = 0
  for (let q = 0; q < n; q++) {
    while (z[k + 1]! < q) k++
    const p = v[k]!
    d[q] = (q - p) * (q - p) + f[p]!
  }
}

function intersection(f: Float64Array, q: number, p: number): number {
  return (f[q]! + q * q - (f[p]! + p * p)) / (2 * q - 2 * p)
}
