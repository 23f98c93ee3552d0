// Web mode's one Server-Sent Events stream for the page: listeners survive a reopened stream, and the
// stream's open and error events tell the connection tracker whether the server is there.
import type { ConnectionTracker } from './connection'

/** How long to wait before reopening a stream the browser gave up on. */
export const STREAM_REOPEN_MS = 2000
/** EventSource.CLOSED: the browser will not retry by itself. */
const CLOSED = 2

export type StreamSource = Pick<EventSource, 'addEventListener' | 'removeEventListener' | 'readyState' | 'close'>

export interface EventStreamDeps {
  create(): StreamSource
  tracker: ConnectionTracker
  /** One call to the server, which tells the tracker why the stream failed (401 or unreachable). */
  probe(): Promise<unknown>
  setTimeout(fn: () => void, ms: number): unknown
}

export class EventStream {
  private source: StreamSource | null = null
  private readonly handlers = new Map<string, Set<(ev: Event) => void>>()

  constructor(private readonly deps: EventStreamDeps) {}

  add(type: string, handler: (ev: Event) => void): void {
    const set = this.handlers.get(type) ?? new Set()
    set.add(handler)
    this.handlers.set(type, set)
    this.open().addEventListener(type, handler)
  }

  remove(type: string, handler: (ev: Event) => void): void {
    this.handlers.get(type)?.delete(handler)
    this.source?.removeEventListener(type, handler)
  }

  private open(): StreamSource {
    if (this.source) return this.source
    const source = this.deps.create()
    source.addEventListener('open', () => this.deps.tracker.streamOpened())
    source.addEventListener('error', () => this.onError(source))
    for (const [type, set] of this.handlers) for (const h of set) source.addEventListener(type, h)
    this.source = source
    return source
  }

  private onError(source: StreamSource): void {
    if (source !== this.source) return
    this.deps.tracker.streamLost()
    // A dropped connection is retried by the browser itself; an error answer (401 after a restart
    // with a new token, a proxy's 502) closes the stream for good, so it is reopened from here.
    if (source.readyState !== CLOSED) return
    source.close()
    this.source = null
    void this.deps.probe().finally(() => {
      if (this.deps.tracker.state === 'token-changed') return
      this.deps.setTimeout(() => {
        if (!this.source) this.open()
      }, STREAM_REOPEN_MS)
    })
  }
}
