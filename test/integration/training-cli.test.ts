// The training CLI in-process (the same runCli as `npm run cli`): a tiny pipeline's --json object,
// eval writing annotations-style PNGs, and bad input refused before any work starts.
import sharp from 'sharp'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli'
import { generateDemo } from '../../src/main/dataset/demo/generate'

let dir: string
let pets: string
let bare: string
let damaged: string

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough()
  // `--tty` (test only): stderr claims to be a terminal, as for a user watching the progress bar.
  const tty = argv.includes('--tty')
  argv = argv.filter((a) => a !== '--tty')
  const err = Object.assign(new PassThrough(), { isTTY: tty, columns: 200 })
  let stdout = ''
  let stderr = ''
  out.on('data', (c: Buffer) => (stdout += c.toString()))
  err.on('data', (c: Buffer) => (stderr += c.toString()))
  const code = await runCli([...argv, '--data-dir', join(dir, 'data')], { stdout: out, stderr: err })
  return { code, stdout, stderr }
}

const TINY = ['--size', '32', '--simclr-size', '16', '--channels', '4,8', '--batch', '4', '--threads', '1', '--lr', '0.01']

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-train-cli-'))
  pets = join(dir, 'pets')
  bare = join(dir, 'bare')
  await generateDemo({ out: pets, count: 40, seed: 5 })
  await generateDemo({ out: bare, count: 37, seed: 6 })
  const trimaps = join(bare, 'annotations/trimaps')
  for (const f of readdirSync(trimaps)) rmSync(join(trimaps, f))
  // Every trimap cut short: a header that reads fine over pixel data that does not.
  damaged = join(dir, 'damaged')
  await generateDemo({ out: damaged, count: 37, seed: 7 })
  const cut = join(damaged, 'annotations/trimaps')
  for (const f of readdirSync(cut).filter((n) => n.endsWith('.png') && !n.startsWith('.'))) {
    const bytes = readFileSync(join(cut, f))
    writeFileSync(join(cut, f), bytes.subarray(0, bytes.length - 30))
  }
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('training CLI', () => {
  it('pipeline --json prints one object with run id, backend, config, metrics; eval writes trimap PNGs', async () => {
    const r = await cli('pipeline', '--dataset', pets, '--method', 'simclr', '--labels', '6', '--epochs', '1', '--pretrain-epochs', '1', '--pretrain-batch', '6', '--json', ...TINY)
    expect(r.stderr).not.toMatch(/error/)
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(1)
    const j = JSON.parse(lines[0]!)
    expect(j).toMatchObject({
      runId: expect.any(Number), status: 'done', backend: 'wasm', trainImages: 6,
      config: { kind: 'finetune', method: 'simclr', labels: { mode: 'count', count: 6 }, imageSize: 32, channels: [4, 8], batchSize: 4, split: 'official' },
      metrics: { meanIou: expect.any(Number), foregroundIou: expect.any(Number), pixelAccuracy: expect.any(Number), f1: expect.any(Number), jaccard: expect.any(Number), evalBatch: 32 },
      pretrain: { status: 'done', reused: false, config: { kind: 'pretrain', method: 'simclr', simclrSize: 16, batchSize: 6 } },
    })
    expect(j.parentRunId).toBe(j.pretrain.runId)
    expect(j.epochs).toHaveLength(1)
    // SSL health per pretraining epoch (the demo's labelled test images give the probe); none when finetuning.
    expect(j.pretrain.epochs).toHaveLength(1)
    expect(j.pretrain.epochs[0].health).toEqual({
      embeddingStd: expect.any(Number), stdThreshold: expect.any(Number), deadChannels: expect.any(Number), probe: expect.any(Number), allSameLoss: expect.any(Number), collapsed: expect.any(Boolean),
    })
    expect(j.epochs[0].health).toBeNull()
    // The augmentation applied is in the pretraining's config: the paper's, grayscale off.
    expect(j.pretrain.config.augment).toMatchObject({ brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.2, jitterProb: 0.8, jitterOrder: 'random', grayProb: 0 })

    const out = join(dir, 'pred')
    const e = await cli('eval', '--checkpoint', j.checkpointDir, '--dataset', pets, '--out', out, '--threads', '1', '--json')
    expect(e.code).toBe(0)
    const ej = JSON.parse(e.stdout)
    expect(ej).toMatchObject({ split: 'test', images: j.evalImages, inputSize: 32, metrics: { meanIou: expect.any(Number) } })
    const files = readdirSync(out)
    expect(files).toHaveLength(j.evalImages)
    const { data, info } = await sharp(join(out, files[0]!)).extractChannel(0).raw().toBuffer({ resolveWithObject: true })
    const meta = await sharp(join(pets, 'images', files[0]!.replace(/\.png$/, '.jpg'))).metadata()
    expect([info.width, info.height]).toEqual([meta.width, meta.height])
    expect([...new Set(data)].every((v) => v >= 1 && v <= 3)).toBe(true)

    // The same pretraining is reused by a second pipeline.
    const again = await cli('pipeline', '--dataset', pets, '--method', 'simclr', '--fraction', '50%', '--epochs', '1', '--pretrain-epochs', '1', '--pretrain-batch', '6', '--json', '--tty', ...TINY)
    expect(JSON.parse(again.stdout).pretrain).toMatchObject({ runId: j.pretrain.runId, reused: true })
    // On a terminal: a redrawn bar with the epoch, loss and ETA.
    expect(again.stderr).toMatch(/\r\[#+-*\] +\d+% #\d+ finetune epoch 1\/1 step \d+\/\d+ loss \d\.\d{4} [\d.]+ img\/s ETA \d+:\d\d/)
  })

  it("--split paper finetunes on a share of the whole dataset and holds out its seeded tenth", async () => {
    const r = await cli('finetune', '--dataset', pets, '--split', 'paper', '--fraction', '10%', '--epochs', '1', '--seed', '3', '--json', ...TINY)
    expect(r.code).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.config).toMatchObject({ split: 'paper', seed: 3, labels: { mode: 'fraction', fraction: 0.1 } })
    // 40 demo images, a few undecodable: 10 % is 3–4 of them, and about as many are held out.
    expect(j.trainImages).toBeGreaterThanOrEqual(3)
    expect(j.trainImages).toBeLessThanOrEqual(4)
    expect(j.evalImages).toBeGreaterThan(0)
    expect(j.evalImages).toBeLessThanOrEqual(4)
    const text = await cli('finetune', '--dataset', pets, '--split', 'paper', '--fraction', '10%', '--epochs', '1', '--seed', '3', ...TINY)
    expect(text.stdout).toMatch(/held out \(paper split\)/)
    expect(text.stdout).toMatch(/\(test batches of 32\)/)
  })

  it('refuses bad input before any work, with a clear error', async () => {
    expect((await cli('finetune', '--dataset', pets, '--labels', '2', '--split', 'random', ...TINY)).stderr).toMatch(/--split must be official or paper, got "random"/)
    const bad = await cli('pretrain', '--dataset', pets, '--method', 'foo', ...TINY)
    expect(bad).toMatchObject({ code: 2, stdout: '' })
    expect(bad.stderr).toMatch(/unknown method "foo": use one of simclr, mae-patch, mae-pixel, mae-none, none/)
    expect((await cli('pretrain', '--dataset', pets, '--method', 'simclr', '--grayscale', '1.5', ...TINY)).stderr).toMatch(/--grayscale must be a probability in \[0, 1\], got "1.5"/)
    const many = await cli('finetune', '--dataset', pets, '--labels', '5000', ...TINY)
    expect(many.code).toBe(2)
    expect(many.stderr).toMatch(/asked for 5000 labelled images but the labelled pool holds only \d+/)
    expect((await cli('finetune', '--dataset', bare, '--labels', '2', ...TINY)).stderr).toMatch(/no labelled images to finetune on/)
    // Damaged trimaps are no labels: refused when planning, not a libpng error naming no file mid-run.
    const cut = await cli('finetune', '--dataset', damaged, '--labels', '2', ...TINY)
    expect(cut).toMatchObject({ code: 2, stdout: '' })
    expect(cut.stderr).toMatch(/no labelled images to finetune on/)
    expect((await cli('finetune', '--dataset', pets, '--method', 'mae-pixel', '--labels', '2', ...TINY)).stderr).toMatch(/no finished mae-pixel pretraining run/)
    expect((await cli('finetune', '--dataset', pets, ...TINY)).stderr).toMatch(/needs --labels N or --fraction F/)
    const pre = join(dir, 'data', 'runs', '1')
    expect((await cli('eval', '--checkpoint', pre, '--dataset', pets, '--out', join(dir, 'x'))).stderr).toMatch(/no segmentation head/)
    expect((await cli('eval', '--checkpoint', dir, '--dataset', pets, '--out', join(dir, 'x'))).stderr).toMatch(/not a checkpoint folder/)
    const fine = join(dir, 'data', 'runs', '2')
    expect((await cli('eval', '--checkpoint', fine, '--dataset', bare, '--out', join(dir, 'x'))).stderr).toMatch(/no trimaps to evaluate against/)
  })
})
