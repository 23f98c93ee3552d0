// Writes a PNG grid of demo images drawn in memory, to look at what the demo generator makes.
// Usage: tsx scripts/demo-contact-sheet.ts OUT.png [--breeds a,b,…] [--per N] [--seed S] [--trimap]
import sharp from 'sharp'
import { parseArgs } from 'node:util'
import { BREEDS, BREEDS_BY_NAME } from '../src/main/dataset/breeds'
import { drawPet } from '../src/main/dataset/demo/draw'
import { deriveSeed, mulberry32 } from '../src/main/dataset/demo/prng'

const TILE = 160

async function tile(rgb: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(TILE, TILE, { fit: 'contain', background: '#000' })
    .raw()
    .toBuffer()
}

/** Trimap as grey levels with distractors tinted blue and occluded pet pixels red. */
function trimapView(s: ReturnType<typeof drawPet>): Uint8Array {
  const out = new Uint8Array(s.width * s.height * 3)
  for (let i = 0; i < s.trimap.length; i++) {
    const g = s.trimap[i] === 1 ? 230 : s.trimap[i] === 3 ? 128 : 30
    out.set(s.occluded[i] ? [220, 40, 40] : s.distractors[i] ? [40, 40, 200] : [g, g, g], i * 3)
  }
  return out
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { breeds: { type: 'string' }, per: { type: 'string' }, seed: { type: 'string' }, trimap: { type: 'boolean' } },
  })
  const out = positionals[0] ?? '/tmp/demo-sheet.png'
  const breeds = values.breeds ? values.breeds.split(',').map((n) => BREEDS_BY_NAME.get(n)!) : BREEDS.slice(0, 24)
  const per = Number(values.per ?? (values.breeds ? 6 : 1))
  const seed = Number(values.seed ?? 1)
  const tiles: Buffer[] = []
  for (const b of breeds) {
    for (let k = 0; k < per; k++) {
      const s = drawPet(b, mulberry32(deriveSeed(seed, b.classId * 1000 + k)))
      tiles.push(await tile(s.rgb, s.width, s.height))
      if (values.trimap) tiles.push(await tile(trimapView(s), s.width, s.height))
    }
  }
  const cols = values.trimap ? per * 2 : Math.min(per > 1 ? per : 6, tiles.length)
  const rows = Math.ceil(tiles.length / cols)
  const composite = tiles.map((input, i) => ({ input, raw: { width: TILE, height: TILE, channels: 3 as const }, left: (i % cols) * TILE, top: Math.floor(i / cols) * TILE }))
  await sharp({ create: { width: cols * TILE, height: rows * TILE, channels: 3, background: '#000' } }).composite(composite).png().toFile(out)
  console.log(`wrote ${out} (${tiles.length} tiles)`)
}

void main()
