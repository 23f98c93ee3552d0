// Maps the browser's filter controls to the contract's image query: empty controls mean
// "no filter" and are left out, search is trimmed, so the service never sees blank strings.
import type { ImageQueryArgs } from '../../../shared/api'
import type { LabelState, Species, Split } from '../../../shared/types/dataset'

export interface Filters {
  species: Species | ''
  breed: string
  split: Split | ''
  label: LabelState | ''
  search: string
}

export function emptyFilters(): Filters {
  return { species: '', breed: '', split: '', label: '', search: '' }
}

export function buildImageQuery(datasetId: number, f: Filters): ImageQueryArgs {
  const q: ImageQueryArgs = { datasetId }
  if (f.species) q.species = f.species
  if (f.breed) q.breed = f.breed
  if (f.split) q.split = f.split
  if (f.label) q.label = f.label
  const search = f.search.trim()
  if (search) q.search = search.slice(0, 200)
  return q
}

export function hasFilters(f: Filters): boolean {
  return Boolean(f.species || f.breed || f.split || f.label || f.search.trim())
}
