// Filter controls → the contract's image query.
import { describe, expect, it } from 'vitest'
import { buildImageQuery, emptyFilters, hasFilters } from '../../../src/renderer/src/stores/image-query'
import { imageQuerySchema } from '../../../src/shared/api-schemas'

describe('buildImageQuery', () => {
  it('leaves out empty controls', () => {
    expect(buildImageQuery(4, emptyFilters())).toEqual({ datasetId: 4 })
    expect(hasFilters(emptyFilters())).toBe(false)
  })

  it('maps every control and trims the search', () => {
    const f = { species: 'dog', breed: 'beagle', split: 'none', label: 'broken', review: 'needs-review', problems: true, search: '  beagle_1 ' } as const
    const q = buildImageQuery(2, f)
    expect(q).toEqual({
      datasetId: 2, species: 'dog', breed: 'beagle', split: 'none', label: 'broken', review: 'needs-review', problems: true, search: 'beagle_1',
    })
    // What it builds is what the service accepts.
    expect(imageQuerySchema.safeParse(q).success).toBe(true)
  })

  it('treats a blank search as no filter', () => {
    const f = { ...emptyFilters(), search: '   ' }
    expect(buildImageQuery(1, f)).toEqual({ datasetId: 1 })
    expect(hasFilters(f)).toBe(false)
  })

  it('counts the review and problems filters as filters', () => {
    expect(hasFilters({ ...emptyFilters(), review: 'none' })).toBe(true)
    expect(hasFilters({ ...emptyFilters(), problems: true })).toBe(true)
    expect(buildImageQuery(1, { ...emptyFilters(), problems: false })).toEqual({ datasetId: 1 })
  })
})
