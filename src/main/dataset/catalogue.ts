// What list.txt, trainval.txt and test.txt say about each image id: breed, ids, species and split.
// Images in no split are not in list.txt; their breed comes from the name (everything before the last '_').
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Species, Split } from '../../shared/types/dataset'
import { BREEDS_BY_NAME, splitImageId } from './breeds'
import { parseListFile, type ListEntry } from './list-files'
import { LIST_FILE, TEST_FILE, TRAINVAL_FILE } from './scan'

export interface ImageMeta {
  breed: string
  breedId: number
  classId: number
  species: Species
  split: Split
  seq: number
}

interface BreedIds {
  classId: number
  breedId: number
  species: Species
}

export class Catalogue {
  private readonly breeds = new Map<string, BreedIds>()
  private readonly splits = new Map<string, Split>()

  constructor(list: ListEntry[], trainval: ListEntry[], test: ListEntry[]) {
    for (const e of list) {
      const id = splitImageId(e.name)
      if (id && !this.breeds.has(id.breed)) {
        this.breeds.set(id.breed, { classId: e.classId, breedId: e.breedId, species: e.species })
      }
    }
    for (const e of trainval) this.splits.set(e.name, 'trainval')
    for (const e of test) this.splits.set(e.name, 'test')
  }

  /** Null when the name is not <breed>_<n> of a breed list.txt or the release knows. */
  describe(name: string): ImageMeta | null {
    const id = splitImageId(name)
    if (!id) return null
    const known = this.breeds.get(id.breed) ?? BREEDS_BY_NAME.get(id.breed)
    if (!known) return null
    return {
      breed: id.breed,
      breedId: known.breedId,
      classId: known.classId,
      species: known.species,
      split: this.splits.get(name) ?? 'none',
      seq: id.seq,
    }
  }
}

/** Reads the three list files; the split files may be absent (then no image is in that split). */
export function readCatalogue(root: string): Catalogue {
  const read = (rel: string): ListEntry[] => {
    const abs = join(root, rel)
    return existsSync(abs) ? parseListFile(readFileSync(abs, 'utf8'), rel) : []
  }
  return new Catalogue(read(LIST_FILE), read(TRAINVAL_FILE), read(TEST_FILE))
}
