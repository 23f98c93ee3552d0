// Small masks written as strings ('1122' per row) so the expected results read like pictures.
import type { Mask } from '../../../src/renderer/src/editor/mask/mask'

export function maskOf(rows: string[]): Mask {
  const height = rows.length
  const width = rows[0]!.length
  const data = new Uint8Array(width * height)
  rows.forEach((row, y) => {
    if (row.length !== width) throw new Error('ragged rows')
    for (let x = 0; x < width; x++) data[y * width + x] = Number(row[x])
  })
  return { width, height, data }
}

export function rowsOf(m: Mask): string[] {
  const out: string[] = []
  for (let y = 0; y < m.height; y++) out.push(Array.from(m.data.subarray(y * m.width, (y + 1) * m.width)).join(''))
  return out
}

export function filled(width: number, height: number, v: number): string[] {
  return Array.from({ length: height }, () => String(v).repeat(width))
}
