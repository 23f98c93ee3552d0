// The open image's mask plus what turns edits into history entries: a shadow copy of the last
// committed state, so an entry's "before" bytes come from the shadow for just the touched rectangle.
import { changedRect, readRect, writeRect, type Mask } from '../mask/mask'
import { EMPTY_RECT, isEmptyRect, unionRect, type Rect } from '../mask/rect'
import { applyEntry, type History, type HistoryEntry } from './history'

export class MaskDocument {
  // The mask as of the last commit/undo/redo: pixels outside `pending` always equal the mask's.
  private readonly shadow: Uint8Array
  private pending: Rect = { ...EMPTY_RECT }
  private revision = 0

  constructor(
    readonly mask: Mask,
    readonly history: History,
  ) {
    this.shadow = mask.data.slice()
  }

  /** Bumped on every change to the mask (commit, cancel, undo, redo); autosave watches it. */
  get version(): number {
    return this.revision
  }

  get hasPending(): boolean {
    return !isEmptyRect(this.pending)
  }

  /** Records that an operation wrote inside rect (operations return it). */
  touch(rect: Rect): void {
    if (!isEmptyRect(rect)) this.pending = unionRect(this.pending, rect)
  }

  /**
   * Closes the current action as one history entry, cropped to the pixels that really changed.
   * Returns null when nothing changed (a click that painted the same class adds no step).
   */
  commit(label: string): HistoryEntry | null {
    const { width, data } = this.mask
    const rect = changedRect(this.shadow, data, width, this.pending)
    this.pending = { ...EMPTY_RECT }
    if (isEmptyRect(rect)) return null
    const before = readRect(this.shadow, width, rect)
    const after = readRect(data, width, rect)
    writeRect(this.shadow, width, rect, after)
    this.revision++
    return this.history.push({ rect, before, after, label })
  }

  /** Throws away an unfinished action (pointer cancelled); returns the rectangle to repaint. */
  cancel(): Rect {
    const rect = this.pending
    this.pending = { ...EMPTY_RECT }
    if (isEmptyRect(rect)) return rect
    writeRect(this.mask.data, this.mask.width, rect, readRect(this.shadow, this.mask.width, rect))
    this.revision++
    return rect
  }

  /** Reverts the newest entry; an unfinished action is committed first. Returns the repaint rect. */
  undo(): Rect | null {
    this.commit('Edit')
    const e = this.history.takeUndo()
    if (!e) return null
    this.apply(e, 'undo')
    return e.rect
  }

  redo(): Rect | null {
    this.commit('Edit')
    const e = this.history.takeRedo()
    if (!e) return null
    this.apply(e, 'redo')
    return e.rect
  }

  private apply(e: HistoryEntry, direction: 'undo' | 'redo'): void {
    applyEntry(this.mask.data, this.mask.width, e, direction)
    applyEntry(this.shadow, this.mask.width, e, direction)
    this.revision++
  }
}
