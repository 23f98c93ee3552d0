// list.txt / trainval.txt / test.txt parsing, including the errors a malformed line gives.
import { describe, expect, it } from 'vitest'
import { parseListFile } from '../../../src/main/dataset/list-files'
import { LIST_HEADER } from '../../../src/main/dataset/demo/layout'
import { AppError } from '../../../src/shared/errors'

const catchErr = (fn: () => unknown): AppError => {
  try {
    fn()
  } catch (err) {
    return err as AppError
  }
  throw new Error('expected an error')
}

describe('parseListFile', () => {
  it('skips the 6 header lines and reads Image CLASS-ID SPECIES BREED-ID', () => {
    const text = [...LIST_HEADER, 'Abyssinian_100 1 1 1', 'american_bulldog_10 2 2 1', 'yorkshire_terrier_9 37 2 25', ''].join('\n')
    expect(parseListFile(text, 'annotations/list.txt')).toEqual([
      { name: 'Abyssinian_100', classId: 1, species: 'cat', breedId: 1 },
      { name: 'american_bulldog_10', classId: 2, species: 'dog', breedId: 1 },
      { name: 'yorkshire_terrier_9', classId: 37, species: 'dog', breedId: 25 },
    ])
  })

  it('accepts CRLF line ends and split files without a header', () => {
    expect(parseListFile('Bengal_1 6 1 2\r\nBengal_2 6 1 2\r\n', 'annotations/test.txt')).toHaveLength(2)
  })

  it('names the file and line number of a line with the wrong number of fields', () => {
    const text = [...LIST_HEADER, 'Abyssinian_100 1 1 1', 'Abyssinian_101 1 1'].join('\n')
    const err = catchErr(() => parseListFile(text, 'annotations/list.txt'))
    expect(err).toBeInstanceOf(AppError)
    expect(err.code).toBe('PARSE_ERROR')
    expect(err.message).toContain('annotations/list.txt line 8')
    expect(err.message).toContain('Abyssinian_101 1 1')
  })

  it.each([
    ['Abyssinian_1 x 1 1', 'CLASS-ID'],
    ['Abyssinian_1 1 3 1', 'SPECIES'],
    ['Abyssinian_1 1 1 0', 'BREED-ID'],
    ['Abyssinian 1 1 1', '<breed>_<number>'],
  ])('rejects %s', (line, what) => {
    const err = catchErr(() => parseListFile(`Bengal_1 6 1 2\n${line}\n`, 'annotations/trainval.txt'))
    expect(err.code).toBe('PARSE_ERROR')
    expect(err.message).toContain('annotations/trainval.txt line 2')
    expect(err.message).toContain(what)
  })
})
