// Maps the browser's filter controls to the contract's image query: empty controls mean
// "no filter" and are left out, search is trimmed, so the service never sees blank strings.
import type { ImageQueryArgs } from '../../../shared/api'
import type { LabelState, ReviewFilter, Species, Split } from '../../../shared/types/dataset'

export interface Filters {
  species: Species | ''
  breed: string
  split: Split | ''
  label: LabelState | ''
  review: ReviewFilter | ''
  /** Only images with problems. */
  problems: boolean
  search: string
}

export function emptyFilters(): Filters {
  return { species: '', breed: '', split: '', label: '', review: '', problems: false, search: '' }
}

export function buildImageQuery(datasetId: number, f: Filters): ImageQueryArgs {
  const q: ImageQueryArgs = { datasetId }
  if (f.species) q.species = f.species
  if (f.breed) q.breed = f.breed
  if (f.split) q.split = f.split
  if (f.label) q.label = f.label
  if (f.review) q.review = f.review
  if (f.problems) q.problems = true
  const search = f.search.trim()
  if (search) q.search = search.slice(0, 200)
  return q
}

export function hasFilters(f: Filters): boolean {
  return Boolean(f.species || f.breed || f.split || f.label || f.review || f.problems || f.search.trim())
}
