// The list the editor walks (lib/work-list.ts): previous/next in the snapshot's order, next unlabelled
// going round and saying "none left", label changes noted, and the store's Back bookkeeping.
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import {
  createWorkList,
  describePosition,
  neighbourId,
  nextUnlabelledId,
  positionOf,
  withLabel,
  type WorkItem,
} from '../../../src/renderer/src/lib/work-list'
import { setApi } from '../../../src/renderer/src/api'
import { useWorkListStore, workItem } from '../../../src/renderer/src/stores/work-list'
import { fakeApi, image } from './fake-api'

const items = (spec: string): WorkItem[] =>
  // 'L' labelled, 'u' needs a label; ids 10, 20, 30…
  [...spec].map((c, i) => ({ id: (i + 1) * 10, needsLabel: c === 'u' }))

describe('work list', () => {
  it('steps to the neighbours in the list order, null at either end or off the list', () => {
    const list = createWorkList('grid', items('LLL'))
    expect(neighbourId(list, 20, 1)).toBe(30)
    expect(neighbourId(list, 20, -1)).toBe(10)
    expect(neighbourId(list, 30, 1)).toBeNull()
    expect(neighbourId(list, 10, -1)).toBeNull()
    expect(neighbourId(list, 99, 1)).toBeNull()
    expect(positionOf(list, 30)).toBe(2)
  })

  it('finds the next unlabelled image after the current one, going round, never the current one', () => {
    const list = createWorkList('label-next', items('uLuLL'))
    expect(nextUnlabelledId(list, 10)).toBe(30)
    expect(nextUnlabelledId(list, 30)).toBe(10)
    expect(nextUnlabelledId(list, 40)).toBe(10)
    // From an image outside the list the search starts at the top.
    expect(nextUnlabelledId(list, 99)).toBe(10)
  })

  it('answers null when no other image of the list is unlabelled ("none left")', () => {
    expect(nextUnlabelledId(createWorkList('recheck', items('LLL')), 20)).toBeNull()
    expect(nextUnlabelledId(createWorkList('grid', items('LuL')), 20)).toBeNull()
    expect(nextUnlabelledId(createWorkList('grid', []), 20)).toBeNull()
  })

  it('follows label changes without touching the original list', () => {
    const list = createWorkList('grid', items('uuL'))
    const after = withLabel(list, 20, true)
    expect(nextUnlabelledId(after, 10)).toBeNull()
    expect(nextUnlabelledId(list, 10)).toBe(20)
    expect(nextUnlabelledId(withLabel(after, 30, false), 10)).toBe(30)
    expect(withLabel(list, 99, true)).toBe(list)
  })

  it('keeps a snapshot: changing the source array does not move the walk', () => {
    const source = items('uLu')
    const list = createWorkList('grid', source)
    source.splice(1, 1)
    expect(neighbourId(list, 10, 1)).toBe(20)
  })

  it('describes the position with the list it came from', () => {
    const list = createWorkList('recheck', items('LLLL'))
    expect(describePosition(list, 30)).toBe('3 of 4 · Re-check list')
    expect(describePosition(list, 99)).toBe('')
  })

  it('a broken image or a labelled one needs no label', () => {
    expect(workItem(image(1, { label: null })).needsLabel).toBe(true)
    expect(workItem(image(2, { label: 'edited' })).needsLabel).toBe(false)
    expect(workItem(image(3, { label: null, broken: true })).needsLabel).toBe(false)
  })
})

describe('work list store', () => {
  beforeEach(() => {
    setApi(fakeApi({}))
    setActivePinia(createPinia())
  })

  it('a grid list ends on Back keeping the last image selected', () => {
    const work = useWorkListStore()
    work.start('grid', [image(1), image(2, { label: null })])
    expect(work.neighbour(1, 1)).toBe(2)
    expect(work.nextUnlabelled(1)).toBe(2)
    work.noteLabel(2, true)
    expect(work.nextUnlabelled(1)).toBeNull()
    expect(work.finish(2)).toEqual({ origin: 'grid', selection: 2 })
    expect(work.list).toBeNull()
    expect(work.review.returning).toBe(false)
  })

  it('a queue list remembers the Review tab and gives back the browser selection from before', () => {
    const work = useWorkListStore()
    work.startFromQueue('recheck', [image(5), image(6)], { runId: 3, scroll: { 'label-next': 0, recheck: 420 }, selection: 77 })
    expect(work.contains(6)).toBe(true)
    expect(work.finish(6)).toEqual({ origin: 'recheck', selection: 77 })
    expect(work.review).toMatchObject({ runId: 3, scroll: { recheck: 420 }, lastId: 6, returning: true })
  })
})
