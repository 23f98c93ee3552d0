// A batch made on webgpu (its bytes uploaded as int32 words and converted by the project's kernels)
// against the same batch made on cpu (converted on the host), on whatever adapter Dawn finds.
import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { applyMask } from '../../../src/main/training/worker/augment/mae-mask'
import { arraySource, disposeBatch, makeBatch } from '../../../src/main/training/worker/data/source'
import { BYTES_TO_UNIT, TRIMAP_ONE_HOT } from '../../../src/main/training/worker/kernels/webgpu/kernel-names'
import { probeWebgpu, useCpu } from './helpers'

const probe = await probeWebgpu('webgpu batch tests')

/** Images of odd side (their byte counts are not whole words) with every byte value and every trimap id. */
function source(size: number, n: number): ReturnType<typeof arraySource> {
  const images = Array.from({ length: n }, (_, i) => Uint8Array.from({ length: size * size * 3 }, (_, k) => (k * 37 + i * 101) % 256))
  const trimaps = Array.from({ length: n }, (_, i) => Uint8Array.from({ length: size * size }, (_, k) => (k * 7 + i) % 4))
  return arraySource(size, images, trimaps)
}

async function batchOn(backend: 'cpu' | 'webgpu', size: number, indices: number[]): Promise<{ x: Float32Array; y: Float32Array; ids: number[]; kernels: string[] }> {
  if (backend === 'cpu') await useCpu()
  else await tf.setBackend('webgpu')
  const before = tf.memory().numTensors
  let out: { x: Float32Array; y: Float32Array; ids: number[] } | undefined
  const info = await tf.profile(async () => {
    const b = makeBatch(source(size, 3), indices, true)
    out = { x: (await b.x.data()) as Float32Array, y: (await b.y!.data()) as Float32Array, ids: Array.from(b.ids!) }
    expect(b.x.shape).toEqual([indices.length, size, size, 3])
    expect(b.y!.shape).toEqual([indices.length, size, size, 3])
    disposeBatch(b)
  })
  expect(tf.memory().numTensors).toBe(before)
  return { ...out!, kernels: info.kernels.map((k) => k.name) }
}

describe.skipIf(probe !== '')('a batch made on webgpu', () => {
  for (const size of [5, 4]) {
    it(`is the host's batch, converted on the device (${size}×${size})`, async () => {
      const cpu = await batchOn('cpu', size, [2, 0])
      const gpu = await batchOn('webgpu', size, [2, 0])
      expect(gpu.kernels).toEqual([BYTES_TO_UNIT, TRIMAP_ONE_HOT])
      expect(cpu.kernels).toEqual([])
      expect(gpu.ids).toEqual(cpu.ids)
      expect(Array.from(gpu.y)).toEqual(Array.from(cpu.y))
      // Bit for bit: wasm and webgpu runs see the same images.
      expect(Array.from(gpu.x)).toEqual(Array.from(cpu.x))
    })
  }

  it('refuses words that do not hold the bytes asked for', async () => {
    await tf.setBackend('webgpu')
    const words = tf.tensor1d([1, 2], 'int32')
    expect(() => tf.engine().runKernel(BYTES_TO_UNIT, { bytes: words }, { shape: [1, 2, 2, 3] })).toThrow(/12 bytes need an int32 tensor of 3 words/)
    words.dispose()
  })

  for (const kind of ['pixel', 'patch'] as const) {
    it(`applies the host's ${kind} mask, which crosses as bytes`, async () => {
      const masked = async (backend: 'cpu' | 'webgpu'): Promise<{ input: number[]; mask: number[]; kernels: string[] }> => {
        if (backend === 'cpu') await useCpu()
        else await tf.setBackend('webgpu')
        let out: { input: number[]; mask: number[] } | undefined
        const info = await tf.profile(async () => {
          const x = tf.tensor4d(Float32Array.from({ length: 2 * 5 * 5 * 3 }, (_, k) => ((k * 13) % 17) / 17), [2, 5, 5, 3])
          const m = applyMask(x, { kind, ratio: 0.5, patch: 2 }, 3)
          out = { input: Array.from(await m.input.data()), mask: Array.from(await m.mask.data()) }
          tf.dispose([x, m.input, m.mask])
        })
        return { ...out!, kernels: info.kernelNames }
      }
      const cpu = await masked('cpu')
      const gpu = await masked('webgpu')
      expect(gpu.kernels).toContain(BYTES_TO_UNIT)
      expect(gpu.mask).toEqual(cpu.mask)
      expect(gpu.input).toEqual(cpu.input)
      expect(cpu.mask.filter((v) => v === 1).length).toBeGreaterThanOrEqual(25)
      expect(cpu.mask.every((v) => v === 0 || v === 1)).toBe(true)
    })
  }
})
