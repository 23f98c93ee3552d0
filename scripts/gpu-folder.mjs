// `npm run bench:gpu-folder`: builds .gpu/, a self-contained copy of the training benchmark for a GPU
// machine that has no Node and no network (docs/training-webgpu.md says how to use it there).
// Use: npm run bench:gpu-folder [-- --no-node]   (--no-node: leave the compressed Node binary out)
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, '.gpu')
const MAX_BYTES = 64 * 1024 ** 2
const withNode = !process.argv.includes('--no-node')

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...opts })
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`)
}

fs.rmSync(out, { recursive: true, force: true })
fs.mkdirSync(out)

// One ESM bundle of the benchmark and src/; `require` for the CommonJS parts of tfjs.
run(path.join(root, 'node_modules/.bin/esbuild'), [
  'bench/train.ts', '--bundle', '--platform=node', '--format=esm', '--target=node20', '--log-level=warning',
  `--outfile=${path.join(out, 'train.mjs')}`,
  "--banner:js=import{createRequire as __cr}from'module';const require=__cr(import.meta.url);",
])

// Dawn for Linux x64; the benchmark loads the dawn.node that sits beside it.
fs.copyFileSync(path.join(root, 'node_modules/webgpu/dist/linux-x64/dawn.node'), path.join(out, 'dawn.node'))

if (withNode) {
  // The official Node build needs only glibc; xz keeps it at about a quarter of its size.
  const xz = spawnSync('xz', ['-T1', '-6', '-c', process.execPath], { maxBuffer: 256 * 1024 ** 2 })
  if (xz.status !== 0) throw new Error(`xz failed: ${xz.stderr}`)
  fs.writeFileSync(path.join(out, 'node.xz'), xz.stdout)
}

// The PyTorch reference lives outside the repository; it comes along when it is there.
const torch = path.join(root, '..', 'shared', 'bench', 'torch_cuda.py')
if (fs.existsSync(torch)) fs.copyFileSync(torch, path.join(out, 'torch_cuda.py'))

fs.copyFileSync(path.join(root, 'scripts/gpu-folder/run.sh'), path.join(out, 'run.sh'))
fs.chmodSync(path.join(out, 'run.sh'), 0o755)
fs.copyFileSync(path.join(root, 'scripts/gpu-folder/README.md'), path.join(out, 'README.md'))

const files = fs.readdirSync(out).map((f) => [f, fs.statSync(path.join(out, f)).size])
const total = files.reduce((t, [, n]) => t + n, 0)
for (const [f, n] of files) console.log(`${f.padEnd(14)} ${(n / 1024 ** 2).toFixed(1).padStart(6)} MiB`)
console.log(`.gpu/ ${(total / 1024 ** 2).toFixed(1)} MiB in all`)
if (total > MAX_BYTES) {
  console.error(`.gpu/ is over ${MAX_BYTES / 1024 ** 2} MiB`)
  process.exit(1)
}
