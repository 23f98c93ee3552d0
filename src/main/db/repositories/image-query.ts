// The browser's filtered image list and its facet counts (each facet counted under the OTHER filters,
// as a faceted search shows them).
import type { Db } from '../open'
import type { FacetCounts, ImageQuery, ImageSummary, LabelState, Species, Split } from '../../../shared/types/dataset'
import { SELECT_WITH_LABEL, toSummary, type ImageRowWithLabel } from './images-repo'

type Facet = 'species' | 'breed' | 'split' | 'label'

const LABEL_SQL: Record<LabelState, string> = {
  labelled: 'l.image_id IS NOT NULL',
  unlabelled: 'l.image_id IS NULL',
  edited: "l.source = 'edited'",
  broken: 'i.broken_reason IS NOT NULL',
}

interface Where {
  sql: string
  params: (string | number)[]
}

/** WHERE clause for a query, leaving out one facet's own filter when counting that facet. */
function buildWhere(q: ImageQuery, except?: Facet): Where {
  const parts = ['i.dataset_id = ?', 'i.missing = 0']
  const params: (string | number)[] = [q.datasetId]
  if (q.species && except !== 'species') {
    parts.push('i.species = ?')
    params.push(q.species)
  }
  if (q.breed && except !== 'breed') {
    parts.push('i.breed = ?')
    params.push(q.breed)
  }
  if (q.split && except !== 'split') {
    parts.push('i.split = ?')
    params.push(q.split)
  }
  if (q.label && except !== 'label') parts.push(LABEL_SQL[q.label])
  if (q.search) {
    parts.push('instr(lower(i.name), lower(?)) > 0')
    params.push(q.search)
  }
  return { sql: parts.join(' AND '), params }
}

const FROM = 'FROM images i LEFT JOIN labels l ON l.image_id = i.id'

export function listImages(db: Db, q: ImageQuery): ImageSummary[] {
  const w = buildWhere(q)
  // Natural order: breed alphabetically ignoring case (= class id), then the image number.
  const rows = db
    .prepare(`${SELECT_WITH_LABEL} WHERE ${w.sql} ORDER BY i.class_id, i.breed, i.seq, i.name`)
    .all(...w.params) as ImageRowWithLabel[]
  return rows.map(toSummary)
}

export function facetCounts(db: Db, q: ImageQuery): FacetCounts {
  const total = countWhere(db, buildWhere(q))
  const sp = buildWhere(q, 'species')
  const species = db
    .prepare(`SELECT SUM(i.species = 'cat') AS cat, SUM(i.species = 'dog') AS dog ${FROM} WHERE ${sp.sql}`)
    .get(...sp.params) as Record<Species, number | null>
  const st = buildWhere(q, 'split')
  const split = db
    .prepare(
      `SELECT SUM(i.split = 'trainval') AS trainval, SUM(i.split = 'test') AS test, SUM(i.split = 'none') AS none
       ${FROM} WHERE ${st.sql}`,
    )
    .get(...st.params) as Record<Split, number | null>
  const lb = buildWhere(q, 'label')
  const labelCols = (Object.keys(LABEL_SQL) as LabelState[]).map((k) => `SUM(${LABEL_SQL[k]}) AS ${k}`).join(', ')
  const label = db.prepare(`SELECT ${labelCols} ${FROM} WHERE ${lb.sql}`).get(...lb.params) as Record<
    LabelState,
    number | null
  >
  return {
    total,
    species: { cat: species.cat ?? 0, dog: species.dog ?? 0 },
    split: { trainval: split.trainval ?? 0, test: split.test ?? 0, none: split.none ?? 0 },
    label: {
      labelled: label.labelled ?? 0,
      unlabelled: label.unlabelled ?? 0,
      edited: label.edited ?? 0,
      broken: label.broken ?? 0,
    },
    breeds: breedCounts(db, q),
  }
}

function countWhere(db: Db, w: Where): number {
  return (db.prepare(`SELECT COUNT(*) AS n ${FROM} WHERE ${w.sql}`).get(...w.params) as { n: number }).n
}

/** Every breed of the dataset (also those with no match under the other filters), by class id. */
function breedCounts(db: Db, q: ImageQuery): FacetCounts['breeds'] {
  const w = buildWhere(q, 'breed')
  return db
    .prepare(
      `SELECT i.breed AS breed, MIN(i.class_id) AS classId, MIN(i.species) AS species,
         SUM(CASE WHEN ${w.sql} THEN 1 ELSE 0 END) AS count
       ${FROM} WHERE i.dataset_id = ? AND i.missing = 0
       GROUP BY i.breed ORDER BY classId, i.breed`,
    )
    .all(...w.params, q.datasetId) as FacetCounts['breeds']
}
