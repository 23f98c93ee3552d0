// Review state per image against a real SQLite file and a generated demo dataset: set, change and clear
// a review with its note, who and when; the browser's filter, counts and summaries follow; unknown
// states and overlong notes are refused naming the field, at the service and at the contract.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generateDemo } from '../../src/main/dataset/demo/generate'
import { openDatabase, type Db } from '../../src/main/db/open'
import { DatasetService } from '../../src/main/services/dataset-service'
import { ReviewService } from '../../src/main/services/review-service'
import type { Events } from '../../src/shared/api'
import { parseArg } from '../../src/shared/api-schemas'
import type { ReviewState } from '../../src/shared/types/dataset'

let dir: string
let db: Db
let svc: DatasetService
let reviews: ReviewService
let datasetId: number
const events: Events['reviews:changed'][] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-reviews-'))
  await generateDemo({ out: join(dir, 'pets'), count: 37, seed: 11 })
  db = openDatabase(join(dir, 'data/workbench.sqlite'))
  svc = new DatasetService({ db, cacheDir: join(dir, 'data/cache'), demoDir: join(dir, 'data/demo') })
  reviews = new ReviewService({ db, datasets: svc, emit: (e) => events.push(e), user: 'annotator' })
  datasetId = (await svc.open(join(dir, 'pets'))).datasetId
})

afterAll(() => {
  svc.close()
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

const ids = (): number[] => svc.listImages({ datasetId }).map((i) => i.id)
const settle = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('review state', () => {
  it('is stored with its note, who and when, and shows in the detail and the summaries', async () => {
    const [a] = ids()
    const before = Date.now()
    const d = reviews.set(a!, 'needs-review', '  ear cut off at the border  ')
    expect(d.review).toBe('needs-review')
    expect(d.reviewDetail).toMatchObject({ state: 'needs-review', note: 'ear cut off at the border', updatedBy: 'annotator' })
    expect(Date.parse(d.reviewDetail!.updatedAt)).toBeGreaterThanOrEqual(before - 1000)
    expect(svc.getImage(a!).reviewDetail?.note).toBe('ear cut off at the border')
    expect(svc.listImages({ datasetId }).find((i) => i.id === a)?.review).toBe('needs-review')
    await settle()
    expect(events.at(-1)).toEqual({ imageId: a, datasetId, review: 'needs-review' })
  })

  it('filters and counts by state (and "none"), each count under the other filters', () => {
    const [, b, c, e] = ids()
    reviews.set(b!, 'accepted')
    reviews.set(c!, 'rejected', 'not a pet')
    reviews.set(e!, 'accepted')
    const counts = svc.facets({ datasetId })
    const total = counts.total
    expect(counts.review.accepted).toBeGreaterThanOrEqual(2)
    expect(counts.review.rejected).toBeGreaterThanOrEqual(1)
    const sum = (Object.values(counts.review) as number[]).reduce((x, y) => x + y, 0)
    expect(sum).toBe(total)
    const accepted = svc.listImages({ datasetId, review: 'accepted' })
    expect(accepted.map((i) => i.id)).toEqual(expect.arrayContaining([b, e]))
    expect(accepted.every((i) => i.review === 'accepted')).toBe(true)
    expect(svc.listImages({ datasetId, review: 'none' }).some((i) => i.id === b)).toBe(false)
    // Filtering by review leaves the review counts of the other states in place.
    expect(svc.facets({ datasetId, review: 'accepted' }).review).toEqual(counts.review)
    expect(svc.facets({ datasetId, review: 'accepted' }).total).toBe(accepted.length)
  })

  it('changes and clears: null removes the review and its note', () => {
    const [a] = ids()
    expect(reviews.set(a!, 'accepted', 'fixed').reviewDetail?.note).toBe('fixed')
    const cleared = reviews.set(a!, null)
    expect(cleared.review).toBeNull()
    expect(cleared.reviewDetail).toBeNull()
    expect(svc.listImages({ datasetId, review: 'none' }).some((i) => i.id === a)).toBe(true)
  })

  it('refuses an unknown state or an overlong note, naming the field, and changes nothing', () => {
    const [, , , , f] = ids()
    expect(() => reviews.set(f!, 'maybe' as ReviewState)).toThrow(/^state: /)
    expect(() => reviews.set(f!, 'accepted', 'x'.repeat(501))).toThrow(/^note: .*501.*500/)
    expect(svc.getImage(f!).review).toBeNull()
    expect(reviews.set(f!, 'accepted', 'x'.repeat(500)).reviewDetail?.note).toHaveLength(500)
    expect(() => reviews.set(999_999, 'accepted')).toThrow(/No image/)
  })

  it('the contract refuses the same at the boundary, naming the field', () => {
    expect(() => parseArg('reviews:set', { imageId: 1, state: 'maybe' })).toThrow(/reviews:set: state: /)
    expect(() => parseArg('reviews:set', { imageId: 1, state: 'rejected', note: 'y'.repeat(501) })).toThrow(/reviews:set: note: /)
    expect(parseArg('reviews:set', { imageId: 1, state: null })).toEqual({ imageId: 1, state: null })
    expect(() => parseArg('images:list', { datasetId: 1, review: 'maybe' })).toThrow(/review/)
  })
})

describe('problems filter', () => {
  it('lists only images whose index found problems, with their count in the summaries and facets', () => {
    const problem = svc.listImages({ datasetId, problems: true })
    const all = svc.listImages({ datasetId })
    const withProblems = all.filter((i) => i.problemCount > 0)
    // The demo names a PNG and a GIF .jpg, as the release does.
    expect(problem.length).toBeGreaterThanOrEqual(2)
    expect(problem.length).toBeLessThan(all.length)
    expect(problem.map((i) => i.id)).toEqual(withProblems.map((i) => i.id))
    expect(svc.facets({ datasetId }).problems).toBe(withProblems.length)
    for (const i of problem) expect(svc.getImage(i.id).problems).toHaveLength(i.problemCount)
  })
})
