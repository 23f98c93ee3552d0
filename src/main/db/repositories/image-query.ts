// The browser's filtered image list and its facet counts (each facet counted under the OTHER filters,
// as a faceted search shows them).
import type { Db } from '../open'
import {
  HUMAN_LABEL_SOURCES,
  type FacetCounts,
  type ImageQuery,
  type ImageSummary,
  type LabelState,
  type ReviewFilter,
  type Species,
  type Split,
} from '../../../shared/types/dataset'
import { IMAGE_JOINS, SELECT_WITH_LABEL, toSummary, type ImageRowWithLabel } from './images-repo'

type Facet = 'species' | 'breed' | 'split' | 'label' | 'review'

const HUMAN = HUMAN_LABEL_SOURCES.map((s) => `'${s}'`).join(', ')
const LABEL_SQL: Record<LabelState, string> = {
  labelled: `l.source IN (${HUMAN})`,
  unlabelled: `(l.image_id IS NULL OR l.source NOT IN (${HUMAN}))`,
  edited: "l.source = 'edited'",
  predicted: "l.source = 'predicted'",
  broken: 'i.broken_reason IS NOT NULL',
}

const REVIEW_SQL: Record<ReviewFilter, string> = {
  accepted: "r.state = 'accepted'",
  'needs-review': "r.state = 'needs-review'",
  rejected: "r.state = 'rejected'",
  none: 'r.image_id IS NULL',
}
// Images whose index found problems (a GIF/PNG named .jpg, a trimap of the wrong size, bad values…).
const PROBLEMS_SQL = "i.problems <> '[]'"

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
  if (q.review && except !== 'review') parts.push(REVIEW_SQL[q.review])
  if (q.problems) parts.push(PROBLEMS_SQL)
  if (q.search) {
    parts.push('instr(lower(i.name), lower(?)) > 0')
    params.push(q.search)
  }
  return { sql: parts.join(' AND '), params }
}

const FROM = IMAGE_JOINS

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
      predicted: label.predicted ?? 0,
      broken: label.broken ?? 0,
    },
    review: reviewCounts(db, q),
    problems: countWhere(db, buildWhere({ ...q, problems: true })),
    breeds: breedCounts(db, q),
  }
}

function reviewCounts(db: Db, q: ImageQuery): FacetCounts['review'] {
  const w = buildWhere(q, 'review')
  const keys = Object.keys(REVIEW_SQL) as ReviewFilter[]
  const cols = keys.map((k) => `SUM(${REVIEW_SQL[k]}) AS "${k}"`).join(', ')
  const row = db.prepare(`SELECT ${cols} ${FROM} WHERE ${w.sql}`).get(...w.params) as Record<ReviewFilter, number | null>
  return { accepted: row.accepted ?? 0, 'needs-review': row['needs-review'] ?? 0, rejected: row.rejected ?? 0, none: row.none ?? 0 }
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
