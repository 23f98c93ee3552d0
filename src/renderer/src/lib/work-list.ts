// The list an annotator works through in the editor (the filtered grid, or a Review queue): a snapshot of
// its image ids taken when the editor opened, so Previous/Next keep their order while edits move images
// between filters. Pure: the work-list store holds one and the editor asks it where to go.

/** Where the list came from; Back returns there. */
export type WorkListOrigin = 'grid' | 'label-next' | 'recheck'

export interface WorkItem {
  id: number
  /** No usable trimap yet and it could have one (kept up to date while the list is worked through). */
  needsLabel: boolean
}

export interface WorkList {
  origin: WorkListOrigin
  items: readonly WorkItem[]
}

export function createWorkList(origin: WorkListOrigin, items: readonly WorkItem[]): WorkList {
  return { origin, items: items.map((i) => ({ ...i })) }
}

/** 0-based position of an image in the list, or -1 when it is not in it. */
export function positionOf(list: WorkList, id: number): number {
  return list.items.findIndex((i) => i.id === id)
}

/** The image before (-1) or after (1) `id`, or null at either end or when `id` is not in the list. */
export function neighbourId(list: WorkList, id: number, delta: 1 | -1): number | null {
  const at = positionOf(list, id)
  if (at < 0) return null
  return list.items[at + delta]?.id ?? null
}

/**
 * The next image without a label after `id`, going round to the list's start; null when no other image
 * of the list is unlabelled ("none left"). From an image not in the list the search starts at the top.
 */
export function nextUnlabelledId(list: WorkList, id: number): number | null {
  const n = list.items.length
  const at = positionOf(list, id)
  for (let k = 1; k <= n; k++) {
    const item = list.items[(at + k + n) % n]!
    if (item.id !== id && item.needsLabel) return item.id
  }
  return null
}

/** The list with one image's label state changed (a save, a clear, an accepted prediction). */
export function withLabel(list: WorkList, id: number, labelled: boolean): WorkList {
  const at = positionOf(list, id)
  if (at < 0 || list.items[at]!.needsLabel === !labelled) return list
  const items = list.items.slice()
  items[at] = { id, needsLabel: !labelled }
  return { ...list, items }
}

/** Words for the editor's header, e.g. "3 of 120 · Re-check list". */
export function describePosition(list: WorkList, id: number): string {
  const at = positionOf(list, id)
  if (at < 0) return ''
  return `${at + 1} of ${list.items.length.toLocaleString()} · ${ORIGIN_NAMES[list.origin]}`
}

export const ORIGIN_NAMES: Record<WorkListOrigin, string> = {
  grid: 'browser list',
  'label-next': 'Label next list',
  recheck: 'Re-check list',
}
