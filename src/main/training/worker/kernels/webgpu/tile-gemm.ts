// The GEMM tile shared by the project's matrix-product programs (the filter gradient, the 2×
// upsampling): a workgroup of 8×8 threads computes a 32×32 block of the product, each thread a 4×4
// block of cells 8 apart, over K staged 32 at a time in workgroup memory.

/** Rows and columns of one workgroup's block, and K per staging step. */
export const TILE = 32
/** Threads per block axis. */
export const THREADS = 8
/** Elements of each staged tile one thread loads per step. */
export const LOADS = (TILE * TILE) / (THREADS * THREADS)

/** The staged tiles tileA[k][row] and tileB[k][col]; `pad` extra columns keep strided writes off one bank. */
export const tileDeclarations = (pad = 0): string => `
  var<workgroup> tileA : array<array<f32, ${TILE + pad}>, ${TILE}>;
  var<workgroup> tileB : array<array<f32, ${TILE + pad}>, ${TILE}>;
`

/** acc[r][c] += Σ_k tileA[k][tr + 8r] · tileB[k][tc + 8c], between the staging barriers (needs tr, tc, acc). */
export const TILE_PRODUCT = `
  for (var kk = 0; kk < ${TILE}; kk = kk + 1) {
    for (var r = 0; r < 4; r = r + 1) {
      let a = tileA[kk][tr + ${THREADS} * r];
      for (var c = 0; c < 4; c = c + 1) {
        acc[r][c] = acc[r][c] + a * tileB[kk][tc + ${THREADS} * c];
      }
    }
  }
`
