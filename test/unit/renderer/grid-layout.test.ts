// Row/column arithmetic of the virtualized grid.
import { describe, expect, it } from 'vitest'
import { columnCount, rowCount, rowOf, rowRange } from '../../../src/renderer/src/lib/grid-layout'

const m = { tileWidth: 150, rowHeight: 180, gap: 10 }

describe('grid layout', () => {
  it('fits as many tiles as the width allows, at least one', () => {
    expect(columnCount(150, m)).toBe(1)
    expect(columnCount(309, m)).toBe(1)
    expect(columnCount(310, m)).toBe(2)
    expect(columnCount(1000, m)).toBe(6)
    expect(columnCount(0, m)).toBe(1)
    expect(columnCount(Number.NaN, m)).toBe(1)
  })

  it('counts rows and the items of each row, the last row partial', () => {
    expect(rowCount(7390, 6)).toBe(1232)
    expect(rowCount(0, 6)).toBe(0)
    expect(rowRange(0, 6, 7390)).toEqual([0, 6])
    expect(rowRange(1231, 6, 7390)).toEqual([7386, 7390])
    expect(rowOf(7389, 6)).toBe(1231)
    expect(rowOf(5, 6)).toBe(0)
    expect(rowOf(6, 6)).toBe(1)
  })
})
