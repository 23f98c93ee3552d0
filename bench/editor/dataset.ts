// The editor benchmark's dataset: one 1000×1000 image with a trimap, in the official layout, so the
// real dataset and labels services index it and save its edits.
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import sharp from 'sharp'
import { BREEDS_BY_NAME } from '../../src/main/dataset/breeds'
import { LIST_HEADER, listLine } from '../../src/main/dataset/demo/layout'

export const BENCH_SIZE = 1000
export const BENCH_IMAGE = 'Abyssinian_1'

/** Writes the dataset under root and returns root. */
export async function writeBenchDataset(root: string): Promise<string> {
  const n = BENCH_SIZE
  const breed = BREEDS_BY_NAME.get('Abyssinian')
  if (!breed) throw new Error('the breed table has no Abyssinian')
  await mkdir(join(root, 'images'), { recursive: true })
  await mkdir(join(root, 'annotations/trimaps'), { recursive: true })
  // A smooth gradient photo and a pet disc with a 4-pixel border ring on background.
  const rgb = Buffer.alloc(n * n * 3)
  const trimap = Buffer.alloc(n * n)
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = y * n + x
      rgb[3 * i] = (x * 255) / n
      rgb[3 * i + 1] = (y * 255) / n
      rgb[3 * i + 2] = 128
      const d = Math.hypot(x + 0.5 - n / 2, y + 0.5 - n / 2)
      trimap[i] = d < n / 4 - 2 ? 1 : d < n / 4 + 2 ? 3 : 2
    }
  }
  await writeFile(join(root, 'images', `${BENCH_IMAGE}.jpg`), await sharp(rgb, { raw: { width: n, height: n, channels: 3 } }).jpeg().toBuffer())
  await writeFile(
    join(root, 'annotations/trimaps', `${BENCH_IMAGE}.png`),
    await sharp(trimap, { raw: { width: n, height: n, channels: 1 } }).png().toBuffer(),
  )
  const line = listLine(BENCH_IMAGE, breed)
  await writeFile(join(root, 'annotations/trainval.txt'), `${line}\n`)
  await writeFile(join(root, 'annotations/test.txt'), '')
  // list.txt last: the loader takes its presence as a complete dataset.
  await writeFile(join(root, 'annotations/list.txt'), [...LIST_HEADER, line, ''].join('\n'))
  return root
}
