// The run commands of the CLI in-process (the same runCli as `npm run cli`): list, show, update, delete
// with its dry run, export and import (refusing a run already here), predict in the release's layout,
// and the experiment templates' dry run — each failing with one line and a non-zero exit.
import sharp from 'sharp'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli'
import { generateDemo } from '../../src/main/dataset/demo/generate'

let dir: string
let pets: string
let runId: number

async function cli(dataDir: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough()
  const err = Object.assign(new PassThrough(), { isTTY: false })
  let stdout = ''
  let stderr = ''
  out.on('data', (c: Buffer) => (stdout += c.toString()))
  err.on('data', (c: Buffer) => (stderr += c.toString()))
  const code = await runCli([...argv, '--data-dir', dataDir], { stdout: out, stderr: err })
  return { code, stdout, stderr }
}
const here = (...argv: string[]) => cli(join(dir, 'data'), ...argv)
const json = <T>(r: { stdout: string }): T => JSON.parse(r.stdout) as T

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-cli-runs-'))
  pets = join(dir, 'pets')
  await generateDemo({ out: pets, count: 40, seed: 5 })
  const r = await here('finetune', '--dataset', pets, '--method', 'none', '--labels', '4', '--epochs', '1', '--json',
    '--size', '32', '--channels', '4,8', '--batch', '4', '--threads', '1', '--lr', '0.01')
  expect(r.code).toBe(0)
  runId = json<{ runId: number }>(r).runId
}, 120_000)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('runs commands', () => {
  it('lists and shows runs, renames, tags and archives one; archived runs are listed only with --archived', async () => {
    expect(json<{ id: number }[]>(await here('runs', 'list', '--json')).map((r) => r.id)).toEqual([runId])
    expect((await here('runs', 'list')).stdout).toMatch(new RegExp(`^#${runId}\\tdone\\tfinetune none\\t`))
    const shown = await here('runs', 'show', String(runId), '--json')
    expect(json<{ epochs: unknown[]; status: string }>(shown)).toMatchObject({ status: 'done', epochs: [expect.any(Object)] })

    const u = await here('runs', 'update', String(runId), '--name', 'baseline', '--tags', 'cpu,tiny', '--note', 'first', '--archive', '--json')
    expect(json(u)).toMatchObject({ id: runId, name: 'baseline', tags: ['cpu', 'tiny'], note: 'first', archived: true })
    expect((await here('runs', 'list')).stdout).toBe('No runs.\n')
    expect((await here('runs', 'list', '--archived')).stdout).toMatch(/baseline \[cpu, tiny\]/)
    await here('runs', 'update', String(runId), '--unarchive')

    const bad = await here('runs', 'list', '--dataset', 'abc')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^error: --dataset: .*\n$/)
    const badTag = await here('runs', 'update', String(runId), '--tags', 'two words')
    expect([badTag.code, badTag.stderr]).toEqual([2, 'error: --tags.0: a tag is one short word\n'])
    const missing = await here('runs', 'show', '9999')
    expect([missing.code, missing.stderr]).toEqual([1, 'error: No run with id 9999\n'])
  })

  it('exports the app folder, refuses importing it back, and imports it once into another data folder', async () => {
    const out = join(dir, 'export')
    expect((await here('export', '--run', String(runId), '--out', out)).code).toBe(0)
    expect(readdirSync(out).sort()).toEqual(['README.md', 'config.json', 'manifest.json', 'metrics.json', 'model.json', 'weights.bin'])
    const back = await here('import', out)
    expect(back.code).not.toBe(0)
    expect(back.stderr).toBe(`error: this run is already here as run #${runId} "baseline": it was not imported again\n`)

    const elsewhere = join(dir, 'other')
    expect((await cli(elsewhere, 'dataset', 'index', pets)).code).toBe(0)
    const first = await cli(elsewhere, 'import', out, '--json')
    expect(first.code).toBe(0)
    const imported = json<{ id: number; name: string }>(first)
    const again = await cli(elsewhere, 'import', out)
    expect(again.stderr).toMatch(new RegExp(`^error: this run is already here as run #${imported.id} `))
    expect(json<unknown[]>(await cli(elsewhere, 'runs', 'list', '--json'))).toHaveLength(1)
  }, 60_000)

  it('predicts the test split as trimap PNGs of values 1/2/3 in annotations/trimaps', async () => {
    const out = join(dir, 'pred')
    const r = await here('predict', '--run', String(runId), '--dataset', pets, '--split', 'test', '--out', out, '--threads', '1', '--json')
    expect(r.stderr).toBe('')
    const res = json<{ dir: string; count: number }>(r)
    const files = readdirSync(join(out, 'annotations/trimaps'))
    expect(files).toHaveLength(res.count)
    expect(res.count).toBeGreaterThan(0)
    const { data } = await sharp(join(out, 'annotations/trimaps', files[0]!)).raw().toBuffer({ resolveWithObject: true })
    expect([...new Set(data)].every((v) => v >= 1 && v <= 3)).toBe(true)
    const badSplit = await here('predict', '--run', String(runId), '--split', 'val', '--out', join(dir, 'p2'))
    expect(badSplit.code).toBe(2)
    expect(badSplit.stderr).toMatch(/^error: --split: .*\n$/)
  }, 60_000)

  it("prints a template's plan with --dry-run, and queues a sweep through the app's pipeline", async () => {
    const t2 = await here('queue', 'template', 'table2', '--dry-run', '--json')
    const steps = json<{ finetune: { tag: string; split: string } }[]>(t2)
    expect(steps).toHaveLength(12)
    expect(steps.every((s) => s.finetune.split === 'paper' && s.finetune.tag.startsWith('Paper Table 2'))).toBe(true)
    expect((await here('queue', 'template', 'sweep', '--counts', '4,8', '--seeds', '2', '--dry-run')).stdout).toMatch(/^Would queue 4 finetunes and 1 pretraining runs:/)
    const bad = await here('queue', 'template', 'table3', '--dry-run')
    expect([bad.code, bad.stderr]).toEqual([2, 'error: queue template needs table1, table2 or sweep, got "table3"\n'])
    const badEpochs = await here('queue', 'template', 'sweep', '--counts', '4', '--epochs', '0', '--dry-run')
    expect(badEpochs.stderr).toMatch(/^error: pretrain\.epochs: Too small/)
    // A template can go to the worker pool as a whole, whatever the app's Run on setting says then.
    const onPool = json<{ pretrain: { runOn?: string }; finetune: { runOn?: string } }[]>(await here('queue', 'template', 'sweep', '--counts', '4', '--train-on', 'pool', '--dry-run', '--json'))
    expect(onPool.map((s) => [s.pretrain.runOn, s.finetune.runOn])).toEqual([['pool', 'pool']])
    expect((await here('queue', 'template', 'sweep', '--counts', '4', '--train-on', 'moon', '--dry-run')).stderr).toBe('error: --train-on must be local or pool, got "moon"\n')

    const q = await here('queue', 'template', 'sweep', '--dataset', pets, '--counts', '4', '--method', 'none', '--size', '32', '--json')
    expect(q.code).toBe(0)
    const queued = json<{ id: number; status: string }[]>(q)
    expect(queued).toMatchObject([{ status: 'queued' }])
    expect(json<{ id: number }[]>(await here('runs', 'list', '--json')).map((r) => r.id)).toContain(queued[0]!.id)
    await here('runs', 'delete', String(queued[0]!.id), '--yes')
  }, 60_000)

  it('deletes only with --yes, saying first what goes', async () => {
    const ckpt = json<{ checkpointDir: string }>(await here('runs', 'show', String(runId), '--json')).checkpointDir
    const dry = await here('runs', 'delete', String(runId))
    expect(dry.code).toBe(1)
    expect(dry.stdout).toMatch(new RegExp(`^Delete run #${runId} "baseline"\\? Removed for good: the run, 1 epoch, [\\d.]+ KB of checkpoints\\.\\nNothing was deleted`))
    expect(existsSync(ckpt)).toBe(true)
    const yes = await here('runs', 'delete', String(runId), '--yes')
    expect([yes.code, yes.stdout]).toEqual([0, `Deleted run #${runId} with its files.\n`])
    expect(existsSync(ckpt)).toBe(false)
    expect((await here('runs', 'list', '--archived')).stdout).not.toMatch(new RegExp(`#${runId}\\t`))
  })
})
