// Autosave for the open image: saves a debounced while after the last edit, on demand (Mod+S), when
// the editor leaves the image and, through a path that outlives the page, when the page goes away.
// A failed save keeps the edit and says why; the next edit or flush tries again.
export type SaveState =
  | { kind: 'saved' }
  | { kind: 'dirty' }
  | { kind: 'saving' }
  | { kind: 'failed'; reason: string }

export interface AutosaveOptions {
  delayMs: number
  /** Writes the current state; what it writes is taken when the save starts. */
  save(): Promise<void>
  /**
   * Starts writing the current state at once, on a path that survives the page closing; null when
   * that is impossible (then the page should warn before it goes).
   */
  sendNow?(): Promise<void> | null
  onState(state: SaveState): void
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

export class Autosave {
  private edits = 0
  private savedEdits = 0
  // The edit count last handed to sendNow: the same state is not sent twice as the page goes.
  private sentEdits = -1
  private timer: unknown = null
  private inFlight: Promise<void> | null = null
  private current: SaveState = { kind: 'saved' }
  private disposed = false

  constructor(private readonly opts: AutosaveOptions) {}

  get state(): SaveState {
    return this.current
  }

  get hasUnsaved(): boolean {
    return this.edits !== this.savedEdits
  }

  /** An edit happened: save after the delay unless another edit comes first. */
  markDirty(): void {
    this.edits++
    if (this.current.kind !== 'saving') this.set({ kind: 'dirty' })
    this.schedule()
  }

  /** Saves now if anything is unsaved; resolves true when everything is on disk. */
  async flush(): Promise<boolean> {
    this.cancelTimer()
    while (this.inFlight) await this.inFlight
    if (!this.hasUnsaved) return true
    await this.track(Promise.resolve().then(() => this.opts.save()))
    return !this.hasUnsaved
  }

  /**
   * For pagehide / beforeunload, which cannot wait: hands the unsaved state to sendNow without
   * waiting for a save in flight (the page's own request may be cut off as it goes). True when
   * nothing is left unsent, false when it could not be sent.
   */
  sendNow(): boolean {
    this.cancelTimer()
    if (!this.hasUnsaved || this.sentEdits === this.edits) return true
    const sending = this.opts.sendNow?.() ?? null
    if (!sending) return false
    this.sentEdits = this.edits
    void this.track(sending)
    return true
  }

  // Follows one save to its end: what it covered counts as saved, a failure is shown.
  private track(saving: Promise<void>): Promise<void> {
    const target = this.edits
    this.set({ kind: 'saving' })
    const run = saving
      .then(
        () => {
          this.savedEdits = Math.max(this.savedEdits, target)
          this.set(this.hasUnsaved ? { kind: 'dirty' } : { kind: 'saved' })
          if (this.hasUnsaved) this.schedule()
        },
        (err: unknown) => {
          this.sentEdits = -1
          this.set({ kind: 'failed', reason: err instanceof Error ? err.message : String(err) })
        },
      )
      .finally(() => {
        if (this.inFlight === run) this.inFlight = null
      })
    this.inFlight = run
    return run
  }

  /** Stops the timer; an unsaved edit stays unsaved (the caller flushes first if it wants it). */
  dispose(): void {
    this.disposed = true
    this.cancelTimer()
  }

  private schedule(): void {
    if (this.disposed) return
    this.cancelTimer()
    const set = this.opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
    this.timer = set(() => {
      this.timer = null
      void this.flush()
    }, this.opts.delayMs)
  }

  private cancelTimer(): void {
    if (this.timer === null) return
    const clear = this.opts.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>))
    clear(this.timer)
    this.timer = null
  }

  private set(state: SaveState): void {
    this.current = state
    if (!this.disposed) this.opts.onState(state)
  }
}
