// Undo/redo stacks of rectangle diffs, one stack per image, all under one byte budget: when the
// budget is exceeded the oldest entries (across every image) are dropped first.
import { writeRect, type Mask } from '../mask/mask'
import type { Rect } from '../mask/rect'

/** One user action (pointer-down→up, a fill, a band): the touched rectangle before and after. */
export interface HistoryEntry {
  rect: Rect
  before: Uint8Array
  after: Uint8Array
  label: string
  /** Order of creation across all images; the smallest is dropped first. */
  seq: number
}

// Rough cost of the entry object and its two array headers, so tiny entries still count.
const ENTRY_OVERHEAD = 160

export function entryBytes(e: HistoryEntry): number {
  return e.before.byteLength + e.after.byteLength + ENTRY_OVERHEAD
}

/** Writes the entry's before (undo) or after (redo) bytes into a buffer of the given width. */
export function applyEntry(data: Uint8Array, width: number, e: HistoryEntry, direction: 'undo' | 'redo'): void {
  writeRect(data, width, e.rect, direction === 'undo' ? e.before : e.after)
}

interface Hooks {
  nextSeq(): number
  afterPush(): void
}

export class History {
  private readonly undoStack: HistoryEntry[] = []
  private readonly redoStack: HistoryEntry[] = []
  private total = 0
  /** Hash of the mask this stack's top matches, set when the editor leaves the image. */
  baseHash: number | null = null
  /** The mask as left when its save had not succeeded: restored on return, never dropped by the cap. */
  unsaved: Mask | null = null
  /**
   * Undo depth at which the image has no label (it was opened unlabelled there), or null when no
   * state this stack can reach means "no label". Undoing back to it removes the label rather than
   * saving an all-background trimap.
   */
  unlabelledAt: number | null = null

  constructor(private readonly hooks: Hooks) {}

  get bytes(): number {
    return this.total
  }
  get undoCount(): number {
    return this.undoStack.length
  }
  get redoCount(): number {
    return this.redoStack.length
  }
  get canUndo(): boolean {
    return this.undoStack.length > 0
  }
  get canRedo(): boolean {
    return this.redoStack.length > 0
  }
  /** True when the current state is the one in which the image had no label. */
  get atUnlabelled(): boolean {
    return this.unlabelledAt === this.undoStack.length
  }
  /** Label of the entry undo would revert, for tooltips. */
  get nextUndoLabel(): string | null {
    return this.undoStack.at(-1)?.label ?? null
  }

  push(entry: Omit<HistoryEntry, 'seq'>): HistoryEntry {
    // A "no label" state among the redo entries becomes unreachable with them.
    if (this.unlabelledAt !== null && this.unlabelledAt > this.undoStack.length) this.unlabelledAt = null
    for (const e of this.redoStack) this.total -= entryBytes(e)
    this.redoStack.length = 0
    const full: HistoryEntry = { ...entry, seq: this.hooks.nextSeq() }
    this.undoStack.push(full)
    this.total += entryBytes(full)
    this.hooks.afterPush()
    return full
  }

  /** Moves the newest entry to the redo stack and returns it (the caller writes its before bytes). */
  takeUndo(): HistoryEntry | null {
    const e = this.undoStack.pop()
    if (!e) return null
    this.redoStack.push(e)
    return e
  }

  takeRedo(): HistoryEntry | null {
    const e = this.redoStack.pop()
    if (!e) return null
    this.undoStack.push(e)
    return e
  }

  oldestUndoSeq(): number {
    return this.undoStack[0]?.seq ?? Infinity
  }
  newestSeq(): number {
    return Math.max(this.undoStack.at(-1)?.seq ?? -Infinity, this.redoStack.at(-1)?.seq ?? -Infinity)
  }

  /** Drops the oldest undo entry, else the redo entry farthest from now; returns the bytes freed. */
  dropOldest(): number {
    const fromUndo = this.undoStack.length > 0
    const deepest = this.undoStack.length + this.redoStack.length
    const e = fromUndo ? this.undoStack.shift() : this.redoStack.shift()
    if (!e) return 0
    // Depths count from the oldest kept state: dropping it shifts them, or loses the "no label" state.
    if (this.unlabelledAt !== null) {
      if (fromUndo) this.unlabelledAt = this.unlabelledAt > 0 ? this.unlabelledAt - 1 : null
      else if (this.unlabelledAt === deepest) this.unlabelledAt = null
    }
    this.total -= entryBytes(e)
    return entryBytes(e)
  }

  clear(): void {
    this.undoStack.length = 0
    this.redoStack.length = 0
    this.total = 0
    this.unlabelledAt = null
  }
}

export const DEFAULT_HISTORY_BYTES = 128 * 1024 * 1024

/**
 * One History per image id for the whole session (switching images keeps each image's undo), with a
 * global byte cap. The single newest entry is always kept, so the last action can be undone even
 * when it alone is larger than the cap.
 */
export class HistoryManager {
  private readonly stacks = new Map<number, History>()
  private seq = 0

  constructor(readonly capBytes: number = DEFAULT_HISTORY_BYTES) {
    if (!(capBytes > 0)) throw new RangeError('history cap must be a positive number of bytes')
  }

  get(imageId: number): History {
    let h = this.stacks.get(imageId)
    if (!h) {
      h = new History({ nextSeq: () => ++this.seq, afterPush: () => this.enforceCap() })
      this.stacks.set(imageId, h)
    }
    return h
  }

  has(imageId: number): boolean {
    return this.stacks.has(imageId)
  }

  get totalBytes(): number {
    let sum = 0
    for (const h of this.stacks.values()) sum += h.bytes
    return sum
  }

  private enforceCap(): void {
    let total = this.totalBytes
    while (total > this.capBytes) {
      const victim = this.pickVictim()
      if (!victim) return
      total -= victim.dropOldest()
    }
  }

  // The stack holding the oldest droppable entry; never the stack whose only entry is the newest.
  private pickVictim(): History | null {
    let best: History | null = null
    let bestSeq = Infinity
    for (const h of this.stacks.values()) {
      const entries = h.undoCount + h.redoCount
      if (entries === 0 || (entries === 1 && h.newestSeq() === this.seq)) continue
      const s = h.undoCount > 0 ? h.oldestUndoSeq() : -1
      if (s < bestSeq) {
        bestSeq = s
        best = h
      }
    }
    return best
  }
}
