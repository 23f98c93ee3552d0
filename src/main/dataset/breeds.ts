// The 37 breeds of the Oxford-IIIT Pet release with their official ids, and what an image id says
// about its breed. Used by the loader (images in no split are not in list.txt) and the demo generator.
import type { Species } from '../../shared/types/dataset'

export interface Breed {
  name: string
  /** 1–37, alphabetical ignoring case. */
  classId: number
  species: Species
  /** 1–12 for cats, 1–25 for dogs, alphabetical within the species. */
  breedId: number
}

const CATS = [
  'Abyssinian', 'Bengal', 'Birman', 'Bombay', 'British_Shorthair', 'Egyptian_Mau',
  'Maine_Coon', 'Persian', 'Ragdoll', 'Russian_Blue', 'Siamese', 'Sphynx',
]
const DOGS = [
  'american_bulldog', 'american_pit_bull_terrier', 'basset_hound', 'beagle', 'boxer', 'chihuahua',
  'english_cocker_spaniel', 'english_setter', 'german_shorthaired', 'great_pyrenees', 'havanese',
  'japanese_chin', 'keeshond', 'leonberger', 'miniature_pinscher', 'newfoundland', 'pomeranian', 'pug',
  'saint_bernard', 'samoyed', 'scottish_terrier', 'shiba_inu', 'staffordshire_bull_terrier',
  'wheaten_terrier', 'yorkshire_terrier',
]

function build(): Breed[] {
  const all = [...CATS, ...DOGS].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
  return all.map((name, i) => {
    const cat = CATS.includes(name)
    return {
      name,
      classId: i + 1,
      species: cat ? 'cat' : 'dog',
      breedId: (cat ? CATS : DOGS).indexOf(name) + 1,
    }
  })
}

/** In class-id order. */
export const BREEDS: readonly Breed[] = build()

export const BREEDS_BY_NAME: ReadonlyMap<string, Breed> = new Map(BREEDS.map((b) => [b.name, b]))

export const SPECIES_BY_CODE: Record<string, Species> = { '1': 'cat', '2': 'dog' }

/** "Egyptian_Mau_14" → breed "Egyptian_Mau", seq 14: the breed is everything before the last '_'. */
export function splitImageId(name: string): { breed: string; seq: number } | null {
  const cut = name.lastIndexOf('_')
  if (cut <= 0 || cut === name.length - 1) return null
  const seq = Number(name.slice(cut + 1))
  return { breed: name.slice(0, cut), seq: Number.isInteger(seq) && seq >= 0 ? seq : 0 }
}

/** The release's own convention: capitalised breeds are cats, lower-case ones dogs. */
export function speciesFromName(breed: string): Species {
  const c = breed.charAt(0)
  return c !== c.toLowerCase() ? 'cat' : 'dog'
}
