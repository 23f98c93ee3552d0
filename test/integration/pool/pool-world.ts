// What the pool tests share on top of the runs world: a redis-server and N worker processes made once
// per file, and runs services that train on them through a PoolCoordinator.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { PoolCoordinator } from '../../../src/main/pool/coordinator'
import type { RunsService } from '../../../src/main/services/runs-service'
import type { RunsWorld } from '../runs-world'
import { type RedisServer, startRedis, startWorker, type WorkerProcess } from './harness'

export interface PoolWorld {
  redis: RedisServer
  /** The live workers; a test that kills one removes it. */
  workers: WorkerProcess[]
  coordinator(log?: string[]): PoolCoordinator
  /** A service training on the pool, two runs at a time; `log` collects the coordinator's lines. */
  service(log: string[], emit?: (name: string, payload: unknown) => void): RunsService
}

/** Call at a test file's top level, after useRunsWorld. */
export function usePool(w: RunsWorld, workerCount: number): PoolWorld {
  let workDir = ''
  const coordinators: PoolCoordinator[] = []
  const p = {
    workers: [],
    coordinator(log?: string[]): PoolCoordinator {
      const c = new PoolCoordinator({ redisUrl: p.redis.url, pollMs: 200, log: (l) => log?.push(l) })
      coordinators.push(c)
      return c
    },
    service(log: string[], emit: (name: string, payload: unknown) => void = () => undefined): RunsService {
      const c = p.coordinator(log)
      return w.service({ execute: c.execute, planBackend: c.planBackend, maxConcurrent: 2, cores: 2, concurrentMemoryBytes: Number.MAX_SAFE_INTEGER, emit })
    },
  } as unknown as PoolWorld

  beforeAll(async () => {
    p.redis = await startRedis()
    workDir = mkdtempSync(join(tmpdir(), 'wb-pool-workers-'))
    // A short lock, so a killed worker's run moves on within seconds.
    const ks = Array.from({ length: workerCount }, (_, k) => k)
    p.workers = await Promise.all(ks.map((k) => startWorker(p.redis.url, join(workDir, `w${k}`), ['--lock-seconds', '2'])))
  })
  afterAll(async () => {
    await Promise.all(coordinators.map((c) => c.close()))
    await Promise.all(p.workers.map((x) => x.stop()))
    await p.redis?.stop()
    if (workDir) rmSync(workDir, { recursive: true, force: true })
  })
  return p
}
