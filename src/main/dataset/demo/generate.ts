// The built-in demo dataset: a deterministic, seeded generator writing a procedural pets dataset in
// exactly the Oxford-IIIT Pet layout, with a few of the real release's quirks. Used by the app's first
// start, `dataset demo` in the CLI, tests and the benchmark.
import sharp from 'sharp'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../../../shared/errors'
import type { DatasetProgress, Split } from '../../../shared/types/dataset'
import { BREEDS, type Breed } from '../breeds'
import { runPool } from '../pool'
import { drawPet } from './draw'
import { LIST_HEADER, appleDouble, headBoxXml, listLine, matFile } from './layout'
import { deriveSeed, mulberry32 } from './prng'

export const DEMO_DEFAULT_COUNT = 370
export const DEMO_DEFAULT_SEED = 1
export const DEMO_MAX_COUNT = 50_000
/** Bump when the pictures change, so cached copies (the benchmark's) are made again. */
export const DEMO_GENERATOR_VERSION = 3

export interface DemoOptions {
  out: string
  /** Total number of images, spread over the 37 breeds (default 370 = 10 per breed). */
  count?: number
  /** Alternative to count: this many images of every breed. */
  perBreed?: number
  seed?: number
  onProgress?: (p: DatasetProgress) => void
}

export interface DemoItem {
  name: string
  breed: Breed
  index: number
  split: Split
}

export interface DemoResult {
  root: string
  images: number
  splits: Record<Split, number>
  xmls: number
  /** Files deliberately written like the release's quirks, relative to root, with what they are. */
  quirks: { file: string; what: string }[]
}

type Quirk = 'png' | 'gif' | 'corrupt'

/** The images of a demo dataset: names, breeds and splits (pure, no I/O). */
export function planDemo(count: number, seed: number): DemoItem[] {
  if (!Number.isInteger(count) || count < BREEDS.length || count > DEMO_MAX_COUNT) {
    throw new AppError('BAD_INPUT', `demo count must be an integer from ${BREEDS.length} (one per breed) to ${DEMO_MAX_COUNT}`)
  }
  const per = Math.floor(count / BREEDS.length)
  const extra = count % BREEDS.length
  // The release has 41 of 7,390 images in no split; keep that share (at least one).
  const noneCount = Math.max(1, Math.round((count * 41) / 7390))
  const spacing = Math.floor(count / noneCount)
  const items: DemoItem[] = []
  BREEDS.forEach((breed, b) => {
    const n = per + (b < extra ? 1 : 0)
    for (let k = 1; k <= n; k++) {
      const index = items.length
      const r = mulberry32(deriveSeed(seed ^ 0x5eed, index))()
      const split: Split = index % spacing === Math.floor(spacing / 2) ? 'none' : r < 0.5 ? 'trainval' : 'test'
      items.push({ name: `${breed.name}_${k}`, breed, index, split })
    }
  })
  return items
}

/** Which images carry a quirk, named after the release's own (Abyssinian_5 is a PNG, …). */
export function quirkOf(items: DemoItem[]): Map<string, Quirk> {
  const pick = (breed: string, k: number): string | undefined => {
    const mine = items.filter((i) => i.breed.name === breed)
    return mine[Math.min(k, mine.length) - 1]?.name
  }
  const out = new Map<string, Quirk>()
  const set = (name: string | undefined, q: Quirk): void => void (name && out.set(name, q))
  set(pick('Abyssinian', 5), 'png')
  set(pick('Egyptian_Mau', 4), 'gif')
  set(pick('beagle', 6), 'corrupt')
  return out
}

export async function generateDemo(opts: DemoOptions): Promise<DemoResult> {
  const count = opts.count ?? (opts.perBreed !== undefined ? opts.perBreed * BREEDS.length : DEMO_DEFAULT_COUNT)
  const seed = opts.seed ?? DEMO_DEFAULT_SEED
  const items = planDemo(count, seed)
  const quirks = quirkOf(items)
  const root = opts.out
  for (const d of ['images', 'annotations/trimaps', 'annotations/xmls']) await mkdir(join(root, d), { recursive: true })
  const emit = opts.onProgress ?? (() => {})
  let done = 0
  let xmls = 0
  await runPool(items, 3, (item) => writeItem(root, item, seed, quirks.get(item.name)), (wroteXml) => {
    done++
    if (wroteXml) xmls++
    if (done % 25 === 0 || done === items.length) {
      emit({ phase: 'generate', done, total: items.length, message: `Generated ${done} of ${items.length} images` })
    }
  })
  const quirkList = await writeExtras(root, items, quirks)
  // list.txt is written last: its presence marks a complete dataset.
  await writeLists(root, items)
  const splits = { trainval: 0, test: 0, none: 0 }
  for (const i of items) splits[i.split]++
  return { root, images: items.length, splits, xmls, quirks: quirkList }
}

/** Same as generateDemo; the name other modules import. */
export const generateDemoDataset = generateDemo

/** Writes one image, its trimap and (for most trainval images) its head box; true if an xml was written. */
async function writeItem(root: string, item: DemoItem, seed: number, quirk: Quirk | undefined): Promise<boolean> {
  const rng = mulberry32(deriveSeed(seed, item.index))
  const scene = drawPet(item.breed, rng)
  const raw = { raw: { width: scene.width, height: scene.height, channels: 3 as const } }
  let bytes: Buffer
  if (quirk === 'png') bytes = await sharp(scene.rgb, raw).png().toBuffer()
  else if (quirk === 'gif') bytes = await sharp(scene.rgb, raw).gif().toBuffer()
  else bytes = await sharp(scene.rgb, raw).jpeg({ quality: 85 }).toBuffer()
  // The corrupt file: a JPEG cut off part-way, like the release's two unreadable ones.
  if (quirk === 'corrupt') bytes = bytes.subarray(0, Math.floor(bytes.length * 0.6))
  const trimap = await sharp(scene.trimap, { raw: { width: scene.width, height: scene.height, channels: 1 } })
    .toColourspace('b-w')
    .png()
    .toBuffer()
  await writeFile(join(root, 'images', `${item.name}.jpg`), bytes)
  await writeFile(join(root, 'annotations/trimaps', `${item.name}.png`), trimap)
  // Head boxes exist for most trainval images only, as in the release.
  const withXml = item.split === 'trainval' && deriveSeed(seed ^ 0xb0c5, item.index) % 10 < 9
  if (withXml) {
    const xml = headBoxXml(item.name, scene.width, scene.height, item.breed.species, scene.headBox)
    await writeFile(join(root, 'annotations/xmls', `${item.name}.xml`), xml)
  }
  return withXml
}

async function writeExtras(root: string, items: DemoItem[], quirks: Map<string, Quirk>): Promise<DemoResult['quirks']> {
  const what: Record<Quirk, string> = { png: 'PNG named .jpg', gif: 'GIF named .jpg', corrupt: 'corrupt (truncated) JPEG' }
  const out = [...quirks].map(([name, q]) => ({ file: `images/${name}.jpg`, what: what[q] }))
  await writeFile(join(root, 'images', 'Abyssinian_101.mat'), matFile())
  out.push({ file: 'images/Abyssinian_101.mat', what: 'stray MATLAB file' })
  const first = items[0]!.name
  await writeFile(join(root, 'annotations/trimaps', `._${first}.png`), appleDouble())
  out.push({ file: `annotations/trimaps/._${first}.png`, what: 'macOS AppleDouble file' })
  return out
}

async function writeLists(root: string, items: DemoItem[]): Promise<void> {
  const sorted = [...items].sort((a, b) => a.breed.classId - b.breed.classId || (a.name < b.name ? -1 : 1))
  const lines = (split?: Split): string[] =>
    sorted.filter((i) => (split ? i.split === split : i.split !== 'none')).map((i) => listLine(i.name, i.breed))
  const text = (ls: string[]): string => ls.map((l) => l + '\n').join('')
  await writeFile(join(root, 'annotations/trainval.txt'), text(lines('trainval')))
  await writeFile(join(root, 'annotations/test.txt'), text(lines('test')))
  await writeFile(join(root, 'annotations/list.txt'), text([...LIST_HEADER, ...lines()]))
}
