// What the pool tests (and bench/pool.ts) run against: a real redis-server on a port of 127.0.0.1
// with its files in a temp folder (optionally with AOF, a password or TLS, and restartable), and pool
// workers as real processes (`node --import tsx`), which a test may kill with SIGKILL like the OOM killer would.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const WORKER_ENTRY = fileURLToPath(new URL('../../../src/main/pool-worker.ts', import.meta.url))

export interface RedisServer {
  url: string
  port: number
  /** SIGTERM (Redis writes its AOF and exits), `downMs` of nothing listening, then the same port, folder and options again. */
  restart(downMs?: number): Promise<void>
  stop(): Promise<void>
}

export interface RedisOptions {
  /** `--appendonly yes --appendfsync always`: every write is on disk before Redis answers it. */
  appendOnly?: boolean
  /** `--requirepass`: the URL then carries it (redis://:PASSWORD@…). */
  password?: string
  /** TLS only (`--port 0 --tls-port`), with these PEM files; clients are not asked for a certificate. The URL is rediss://. */
  tls?: { cert: string; key: string; ca: string }
  /** The port to listen on (one a worker already tries); default a free one. */
  port?: number
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

function redisArgs(port: number, dir: string, o: RedisOptions): string[] {
  const listen = o.tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', o.tls.cert, '--tls-key-file', o.tls.key, '--tls-ca-cert-file', o.tls.ca, '--tls-auth-clients', 'no']
    : ['--port', String(port)]
  const aof = o.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']
  return [...listen, '--bind', '127.0.0.1', '--save', '', ...aof, '--dir', dir, ...(o.password ? ['--requirepass', o.password] : [])]
}

/** Starts redis-server and resolves once it accepts connections (after loading its AOF, if any). */
async function spawnRedis(args: string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] })
  let log = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      log += d.toString()
      if (log.includes('Ready to accept connections')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}):\n${log.slice(-2000)}`)))
  })
  return child
}

/**
 * A throwaway CA and a server certificate it signed for 127.0.0.1 and localhost (EC keys, one day),
 * made with the openssl command in `dir`: what startRedis's `tls` wants, the CA for a client to trust.
 */
export function makeCertificates(dir: string): { cert: string; key: string; ca: string } {
  mkdirSync(dir, { recursive: true })
  const f = (name: string): string => join(dir, name)
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  }
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  ssl('req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '1', '-subj', '/CN=unet-pool test CA')
  ssl('req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1')
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n')
  ssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', f('server.ext'), '-out', f('server.crt'))
  return { cert: f('server.crt'), key: f('server.key'), ca: f('ca.crt') }
}

/** A redis-server (without persistence unless asked), answering PING before this resolves. */
export async function startRedis(o: RedisOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'wb-redis-'))
  const port = o.port ?? (await freePort())
  const args = redisArgs(port, dir, o)
  let child = await spawnRedis(args)
  const auth = o.password ? `:${encodeURIComponent(o.password)}@` : ''
  return {
    url: `${o.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    port,
    async restart(downMs = 0) {
      child.kill('SIGTERM')
      await exitOf(child)
      await new Promise((resolve) => setTimeout(resolve, downMs))
      child = await spawnRedis(args)
    },
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

export interface PendingWorker {
  /** What it printed so far, before it is ready too. */
  output(): string
  /** Resolves once it is taking jobs; rejects if it exits first. */
  ready: Promise<WorkerProcess>
  /** SIGTERM, then waits for it to exit (ready or not). */
  stop(): Promise<void>
}

/**
 * A worker process with one wasm thread, returned at once (a test can read what it says while it
 * waits for Redis); `env` is added to this process's environment (say, NODE_EXTRA_CA_CERTS).
 */
export function spawnWorker(redisUrl: string, dataDir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): PendingWorker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_ENTRY, '--redis', redisUrl, '--data-dir', dataDir, '--threads', '1', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  })
  let out = ''
  let ready = false
  const stop = async (): Promise<void> => {
    child.kill('SIGTERM')
    await exitOf(child)
  }
  const started = new Promise<WorkerProcess>((resolve, reject) => {
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
        stop,
      })
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${out.slice(-3000)}`)))
  })
  // A worker stopped before it was ready rejects; only a caller awaiting `ready` should see it.
  started.catch(() => undefined)
  return { output: () => out, ready: started, stop }
}

/** A worker process with one wasm thread; resolves once it is taking jobs. */
export function startWorker(redisUrl: string, dataDir: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<WorkerProcess> {
  return spawnWorker(redisUrl, dataDir, args, env).ready
}
