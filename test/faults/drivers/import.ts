// Fault driver: imports the release's two archives through the real DatasetService, printing its
// progress, until it is done or killed. Args: DATA_DIR DEST ARCHIVE...
import { join } from 'node:path'
import { openDatabase } from '../../../src/main/db/open'
import { DatasetService } from '../../../src/main/services/dataset-service'

const [dataDir, dest, ...archives] = process.argv.slice(2) as [string, string, ...string[]]
const db = openDatabase(join(dataDir, 'workbench.sqlite'))
const say = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`)
const datasets = new DatasetService({
  db, cacheDir: join(dataDir, 'cache'), demoDir: join(dataDir, 'demo'),
  emit: (p) => say({ progress: p.phase }),
})
say({ ready: true })
const summary = await datasets.importArchives(archives, dest)
say({ imported: summary.images })
datasets.close()
db.close()
