// Where a worker keeps the files of the jobs it trains: one folder per worker under <data-dir>/jobs,
// so a worker starting on a data folder can remove what workers that died there (kill -9, power
// loss) left behind — those whose announcement has expired — without touching a live worker's.
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Redis } from 'ioredis'
import { keys } from './protocol'

export const jobsDirOf = (dataDir: string, workerId: string): string => path.join(dataDir, 'jobs', workerId)

/** Removes the job folders of workers no longer announced in Redis; returns what it removed. */
export async function sweepDeadWorkers(redis: Redis, dataDir: string, self: string): Promise<string[]> {
  const root = path.join(dataDir, 'jobs')
  const names = await fs.readdir(root).catch(() => [] as string[])
  const dead: string[] = []
  for (const name of names) {
    if (name === self || (await redis.exists(keys.worker(name))) === 1) continue
    await fs.rm(path.join(root, name), { recursive: true, force: true })
    dead.push(name)
  }
  return dead
}
