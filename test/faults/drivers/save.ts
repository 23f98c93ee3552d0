// Fault driver: saves trimaps through the real services as fast as it can, printing {begin} before and
// {ack} after each acknowledged save, until it is killed. Args: DATA_DIR PETS_DIR SEED
import { join } from 'node:path'
import { openDatabase } from '../../../src/main/db/open'
import { DatasetService } from '../../../src/main/services/dataset-service'
import { LabelsService } from '../../../src/main/services/labels-service'
import { mulberry32 } from '../../../src/shared/prng'
import { stripes } from '../harness'

const [dataDir, pets, seed] = process.argv.slice(2) as [string, string, string]
const db = openDatabase(join(dataDir, 'workbench.sqlite'))
const datasets = new DatasetService({ db, cacheDir: join(dataDir, 'cache'), demoDir: join(dataDir, 'demo') })
const labels = new LabelsService({ datasets, user: 'fault-driver' })
const { datasetId } = await datasets.open(pets)
const images = datasets.listImages({ datasetId }).filter((i) => !i.broken && i.width !== null && datasets.getImage(i.id).problems.length === 0).slice(0, 12)
const rng = mulberry32(Number(seed))
const say = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`)
say({ ready: true })
for (let n = 0; ; n++) {
  const img = images[Math.floor(rng() * images.length)]!
  const phase = n % 3
  say({ begin: img.id, phase })
  await labels.save(img.id, stripes(img.width!, img.height!, phase))
  say({ ack: img.id, phase })
}
