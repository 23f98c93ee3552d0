// `npm run bench:dataset`: cold index of a 7,390-image demo copy (thumbnails included) and warm
// re-open, on a fresh database. The demo copy is generated once and reused from a temp folder.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEMO_GENERATOR_VERSION, generateDemo } from '../src/main/dataset/demo/generate'
import { openDatabase } from '../src/main/db/open'
import { DatasetService } from '../src/main/services/dataset-service'

const COUNT = Number(process.env['BENCH_COUNT'] ?? 7390)
const SEED = 1
const seconds = (ms: number): number => Math.round(ms) / 1000
const cpuSeconds = (u: NodeJS.CpuUsage): number => seconds((u.user + u.system) / 1000)

async function demoCopy(): Promise<{ root: string; generatedS: number | null }> {
  const base = process.env['BENCH_DIR'] ?? join(tmpdir(), 'unet-ssl-workbench-bench')
  const root = join(base, `demo-${COUNT}-seed${SEED}-v${DEMO_GENERATOR_VERSION}`)
  // list.txt is the generator's last write: present means complete.
  if (existsSync(join(root, 'annotations/list.txt'))) return { root, generatedS: null }
  process.stderr.write(`generating a ${COUNT}-image demo copy in ${root} (once)…\n`)
  const t = performance.now()
  await generateDemo({ out: root, count: COUNT, seed: SEED })
  return { root, generatedS: seconds(performance.now() - t) }
}

function services(dataDir: string): { svc: DatasetService; close: () => void } {
  const db = openDatabase(join(dataDir, 'workbench.sqlite'))
  const svc = new DatasetService({ db, cacheDir: join(dataDir, 'cache'), demoDir: join(dataDir, 'demo') })
  return { svc, close: () => (svc.close(), db.close()) }
}

async function main(): Promise<void> {
  const { root, generatedS } = await demoCopy()
  const dataDir = mkdtempSync(join(tmpdir(), 'wb-bench-data-'))
  try {
    const first = services(dataDir)
    const load = loadavg()[0]!
    let cpu = process.cpuUsage()
    let t = performance.now()
    const cold = await first.svc.open(root)
    const coldS = seconds(performance.now() - t)
    // CPU seconds (all threads, sharp's included) tell the work apart from a busy machine's waiting.
    const coldCpu = cpuSeconds(process.cpuUsage(cpu))
    first.close()
    // Warm: a new process would open the same database file and re-open the same folder.
    const second = services(dataDir)
    cpu = process.cpuUsage()
    t = performance.now()
    const warm = await second.svc.open(root)
    const warmS = seconds(performance.now() - t)
    const warmCpu = cpuSeconds(process.cpuUsage(cpu))
    t = performance.now()
    const list = second.svc.listImages({ datasetId: warm.datasetId })
    const listMs = Math.round(performance.now() - t)
    t = performance.now()
    second.svc.facets({ datasetId: warm.datasetId, species: 'dog' })
    const facetsMs = Math.round(performance.now() - t)
    second.close()
    const result = {
      bench: 'dataset',
      images: cold.images,
      cpus: cpus().length,
      generatedS,
      coldIndexS: coldS,
      coldIndexCpuS: coldCpu,
      warmReopenS: warmS,
      warmReopenCpuS: warmCpu,
      loadAvgBefore: Math.round(load * 100) / 100,
      listAllMs: listMs,
      facetsMs,
      broken: cold.broken.length,
      skipped: cold.skipped.length,
      targets: { coldIndexS: 60, warmReopenS: 1 },
    }
    console.log(JSON.stringify(result))
    console.log(`cold index of ${cold.images} images incl. thumbnails: ${coldS.toFixed(1)} s (${coldCpu.toFixed(1)} s CPU; target ≤ 60 s)`)
    console.log(`warm re-open: ${warmS.toFixed(3)} s (${warmCpu.toFixed(3)} s CPU; target ≤ 1 s)`)
    console.log(`machine: ${cpus().length} CPUs, load average ${load.toFixed(2)} before the run`)
    console.log(`list all ${list.length} images: ${listMs} ms; facets: ${facetsMs} ms`)
    if (list.length !== cold.images) throw new Error(`listed ${list.length} images, indexed ${cold.images}`)
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(`bench:dataset failed: ${err instanceof Error ? err.message : String(err)}`)
  process.exitCode = 1
})
