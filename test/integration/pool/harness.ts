// What the pool tests (and bench/pool.ts) run against: a real redis-server on a free port of 127.0.0.1
// with its files in a temp folder, and pool workers as real processes (`node --import tsx`), which a
// test may kill with SIGKILL like the OOM killer would.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const WORKER_ENTRY = fileURLToPath(new URL('../../../src/main/pool-worker.ts', import.meta.url))

export interface RedisServer {
  url: string
  stop(): Promise<void>
}

/** A port of 127.0.0.1 nothing listens on (as the OS hands it out now). */
export async function freePort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  const port = (srv.address() as { port: number }).port
  await new Promise((resolve) => srv.close(resolve))
  return port
}

const exitOf = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()))

/** A redis-server without persistence, answering PING before this resolves. */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'wb-redis-'))
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = `redis://127.0.0.1:${port}`
  let log = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      log += d.toString()
      if (log.includes('Ready to accept connections')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${log.slice(-2000)}`)))
  })
  return {
    url,
    async stop() {
      child.kill('SIGTERM')
      await exitOf(child)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface WorkerProcess {
  /** The id it announces in Redis. */
  id: string
  pid: number
  output(): string
  /** SIGKILL: no goodbye, its job's lock simply stops being renewed. */
  kill(): Promise<void>
  /** SIGTERM, then waits for it to exit. */
  stop(): Promise<void>
}

/** A worker process with one wasm thread; resolves once it is taking jobs. */
export function startWorker(redisUrl: string, dataDir: string, args: string[] = []): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_ENTRY, '--redis', redisUrl, '--data-dir', dataDir, '--threads', '1', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let ready = false
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out += d.toString()
      const m = /worker (\S+): \S+ \(\d+ threads\)/.exec(out)
      if (ready || !m) return
      ready = true
      resolve({
        id: m[1]!,
        pid: child.pid!,
        output: () => out,
        kill: async () => {
          child.kill('SIGKILL')
          await exitOf(child)
        },
        stop: async () => {
          child.kill('SIGTERM')
          await exitOf(child)
        },
      })
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${out.slice(-3000)}`)))
  })
}
