// Where the app keeps its database and caches when nobody says otherwise (CLI, web mode, tests).
// Electron passes its own userData folder instead.
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

export function defaultDataDir(): string {
  const fromEnv = process.env['WORKBENCH_DATA_DIR']
  return fromEnv ? resolve(fromEnv) : join(homedir(), '.unet-ssl-workbench')
}

export interface AppPaths {
  dataDir: string
  dbFile: string
  cacheDir: string
  demoDir: string
  /** Training checkpoints, one folder per run. */
  runsDir: string
}

export function appPaths(dataDir: string): AppPaths {
  return {
    dataDir,
    dbFile: join(dataDir, 'workbench.sqlite'),
    cacheDir: join(dataDir, 'cache'),
    demoDir: join(dataDir, 'demo-dataset'),
    runsDir: join(dataDir, 'runs'),
  }
}
