// Opens the database and services the CLI commands share, at --data-dir (default
// ~/.unet-ssl-workbench or $WORKBENCH_DATA_DIR) or with an explicit --db file.
import { resolve } from 'node:path'
import type { DatasetProgress } from '../../shared/types/dataset'
import { openDatabase, type Db } from '../db/open'
import { appPaths, defaultDataDir } from '../paths'
import { DatasetService } from '../services/dataset-service'

export interface CliServices {
  db: Db
  datasets: DatasetService
  close(): void
}

export function openCliServices(opts: {
  dataDir?: string
  db?: string
  emit?: (p: DatasetProgress) => void
}): CliServices {
  const paths = appPaths(opts.dataDir ? resolve(opts.dataDir) : defaultDataDir())
  const db = openDatabase(opts.db ? resolve(opts.db) : paths.dbFile)
  const datasets = new DatasetService({ db, cacheDir: paths.cacheDir, demoDir: paths.demoDir, emit: opts.emit })
  return {
    db,
    datasets,
    close: () => {
      datasets.close()
      db.close()
    },
  }
}
