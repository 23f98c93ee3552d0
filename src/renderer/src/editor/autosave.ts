// Autosave for the open image: saves a debounced while after the last edit, on demand (Mod+S) and
// when the editor leaves the image. A failed save keeps the edit and says why; the next edit or
// flush tries again.
export type SaveState =
  | { kind: 'saved' }
  | { kind: 'dirty' }
  | { kind: 'saving' }
  | { kind: 'failed'; reason: string }

export interface AutosaveOptions {
  delayMs: number
  /** Writes the current state; what it writes is taken when the save starts. */
  save(): Promise<void>
  onState(state: SaveState): void
  setTimer?: (fn: () => void, ms: number) => unknown
  clearTimer?: (handle: unknown) => void
}

export class Autosave {
  private edits = 0
  private savedEdits = 0
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
    const target = this.edits
    this.set({ kind: 'saving' })
    const run = Promise.resolve()
      .then(() => this.opts.save())
      .then(
        () => {
          this.savedEdits = Math.max(this.savedEdits, target)
          this.set(this.hasUnsaved ? { kind: 'dirty' } : { kind: 'saved' })
          if (this.hasUnsaved) this.schedule()
        },
        (err: unknown) => {
          this.set({ kind: 'failed', reason: err instanceof Error ? err.message : String(err) })
        },
      )
      .finally(() => {
        this.inFlight = null
      })
    this.inFlight = run
    await run
    return !this.hasUnsaved
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
