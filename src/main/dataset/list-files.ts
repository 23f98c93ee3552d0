// Parsers of annotations/list.txt, trainval.txt and test.txt:
// `#` header lines, then one `Image CLASS-ID SPECIES BREED-ID` per line.
import { AppError } from '../../shared/errors'
import type { Species } from '../../shared/types/dataset'
import { SPECIES_BY_CODE } from './breeds'

export interface ListEntry {
  name: string
  classId: number
  species: Species
  breedId: number
}

const POSITIVE_INT = /^[1-9][0-9]*$/

/** Parse one list file; `file` names it in errors (e.g. "annotations/list.txt"). */
export function parseListFile(text: string, file: string): ListEntry[] {
  const out: ListEntry[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === '' || line.startsWith('#')) continue
    out.push(parseLine(line, file, i + 1))
  }
  return out
}

function fail(file: string, lineNo: number, line: string, why: string): never {
  const shown = line.length > 80 ? line.slice(0, 80) + '…' : line
  throw new AppError('PARSE_ERROR', `${file} line ${lineNo}: ${why} (got "${shown}")`)
}

// No closures here: this runs for every line of three 7,000-line files on each re-open.
function parseLine(line: string, file: string, lineNo: number): ListEntry {
  const parts = line.split(/\s+/)
  if (parts.length !== 4) {
    fail(file, lineNo, line, `expected "Image CLASS-ID SPECIES BREED-ID", found ${parts.length} fields`)
  }
  const [name, classId, species, breedId] = parts as [string, string, string, string]
  if (!POSITIVE_INT.test(classId) || Number(classId) > 1000) {
    fail(file, lineNo, line, `CLASS-ID "${classId}" is not a positive integer`)
  }
  const sp = SPECIES_BY_CODE[species]
  if (!sp) fail(file, lineNo, line, `SPECIES "${species}" is not 1 (cat) or 2 (dog)`)
  if (!POSITIVE_INT.test(breedId) || Number(breedId) > 1000) {
    fail(file, lineNo, line, `BREED-ID "${breedId}" is not a positive integer`)
  }
  if (name.lastIndexOf('_') <= 0) fail(file, lineNo, line, `image id "${name}" is not <breed>_<number>`)
  return { name, classId: Number(classId), species: sp, breedId: Number(breedId) }
}
