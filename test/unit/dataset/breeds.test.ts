// The 37 breeds and their official ids; breed and number from an image id.
import { describe, expect, it } from 'vitest'
import { BREEDS, BREEDS_BY_NAME, speciesFromName, splitImageId } from '../../../src/main/dataset/breeds'

describe('breeds', () => {
  it('has the 12 cats and 25 dogs with class ids alphabetical ignoring case', () => {
    expect(BREEDS).toHaveLength(37)
    expect(BREEDS.filter((b) => b.species === 'cat')).toHaveLength(12)
    const byId = (id: number): string => BREEDS[id - 1]!.name
    expect(byId(1)).toBe('Abyssinian')
    expect(byId(2)).toBe('american_bulldog')
    expect(byId(6)).toBe('Bengal')
    expect(byId(10)).toBe('British_Shorthair')
    expect(byId(12)).toBe('Egyptian_Mau')
    expect(byId(34)).toBe('Sphynx')
    expect(byId(37)).toBe('yorkshire_terrier')
    expect(BREEDS.map((b) => b.classId)).toEqual(Array.from({ length: 37 }, (_, i) => i + 1))
  })

  it('numbers breeds within their species', () => {
    expect(BREEDS_BY_NAME.get('Sphynx')).toMatchObject({ species: 'cat', breedId: 12 })
    expect(BREEDS_BY_NAME.get('yorkshire_terrier')).toMatchObject({ species: 'dog', breedId: 25 })
    expect(BREEDS_BY_NAME.get('beagle')).toMatchObject({ species: 'dog', breedId: 4, classId: 5 })
  })

  it('takes the breed as everything before the last underscore', () => {
    expect(splitImageId('Egyptian_Mau_14')).toEqual({ breed: 'Egyptian_Mau', seq: 14 })
    expect(splitImageId('american_pit_bull_terrier_3')).toEqual({ breed: 'american_pit_bull_terrier', seq: 3 })
    expect(splitImageId('nounderscore')).toBeNull()
    expect(splitImageId('trailing_')).toBeNull()
    expect(speciesFromName('Maine_Coon')).toBe('cat')
    expect(speciesFromName('pug')).toBe('dog')
  })
})
