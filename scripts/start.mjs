// `npm start`: build, then launch the Electron app. Where the Electron runtime cannot be obtained
// (no network for its download, no display), say so in one line and serve web mode instead.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, cpSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts })

if (run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']).status !== 0) {
  process.exit(1)
}

function electronBinary() {
  // electron >= 42 downloads its binary on first require; that fails quickly offline.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
  })
  if (probe.status === 0 && probe.stdout && existsSync(probe.stdout)) return { path: probe.stdout }
  const first = (probe.stderr || '').split('\n').find((l) => l.trim())?.trim() ?? 'unknown error'
  return { reason: `its binary could not be downloaded or started: ${first}` }
}

/** better-sqlite3 built for Electron's ABI beside the Node build that tests and web mode use. */
function electronSqliteBinding(electronVersion) {
  const out = join(root, '.cache', `electron-${electronVersion}`, 'better_sqlite3.node')
  if (existsSync(out)) return out
  const work = join(root, '.cache', 'better-sqlite3-electron')
  cpSync(join(root, 'node_modules/better-sqlite3'), work, { recursive: true })
  const env = { ...process.env, npm_config_nodedir: '' }
  const gyp = run('npm', ['exec', '--yes', '--', 'node-gyp', 'rebuild', '--release', `--target=${electronVersion}`,
    '--runtime=electron', '--dist-url=https://electronjs.org/headers'], { cwd: work, env })
  if (gyp.status !== 0) return null
  mkdirSync(join(out, '..'), { recursive: true })
  cpSync(join(work, 'build/Release/better_sqlite3.node'), out)
  return out
}

function serveWeb() {
  const tsx = join(root, 'node_modules/tsx/dist/cli.mjs')
  const child = spawn(process.execPath, [tsx, 'src/main/web/serve.ts', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
  child.on('exit', (code) => process.exit(code ?? 0))
}

const electron = electronBinary()
const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY
if (!electron.path || noDisplay) {
  const why = electron.path ? 'no display ($DISPLAY is unset)' : electron.reason
  console.log(`Electron runtime not available (${why}); serving web mode instead.`)
  serveWeb()
} else {
  const printed = spawnSync(electron.path, ['--version'], { encoding: 'utf8' }).stdout ?? ''
  const version = printed.trim().replace(/^v/, '') || null
  const binding = version ? electronSqliteBinding(version) : null
  const env = { ...process.env, ...(binding ? { WORKBENCH_SQLITE_BINDING: binding } : {}) }
  const child = spawn(electron.path, ['.'], { cwd: root, stdio: 'inherit', env })
  child.on('exit', (code) => process.exit(code ?? 0))
}
