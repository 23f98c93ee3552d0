// Whether web mode's server can be reached, as the HTTP client sees it: its event stream and its calls.
// The connection store shows it (a banner) and re-reads state when the server is back.

/**
 * connected: calls and the event stream work. unreachable: the stream dropped or a call could not be
 * sent (the browser keeps retrying). token-changed: the server answers 401, i.e. it was restarted with
 * a new token; only the new URL it printed helps.
 */
export type ConnectionState = 'connected' | 'unreachable' | 'token-changed'

export type ConnectionListener = (state: ConnectionState, previous: ConnectionState) => void

export interface Connection {
  readonly state: ConnectionState
  /** Called on every change of state; returns the unsubscribe function. */
  subscribe(listener: ConnectionListener): () => void
}

/** The state machine behind Connection, fed by the HTTP client and its event stream. */
export class ConnectionTracker implements Connection {
  state: ConnectionState = 'connected'
  private readonly listeners = new Set<ConnectionListener>()
  /** Null until the page opens a stream; then whether it is open now. */
  private streamUp: boolean | null = null

  subscribe(listener: ConnectionListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  streamOpened(): void {
    this.streamUp = true
    this.set('connected')
  }

  streamLost(): void {
    this.streamUp = false
    if (this.state !== 'token-changed') this.set('unreachable')
  }

  /** A call could not be sent at all (refused connection, network down). */
  callUnsent(): void {
    if (this.state !== 'token-changed') this.set('unreachable')
  }

  /** A call was answered 401: the token this page holds is no longer the server's. */
  callRefused(): void {
    this.set('token-changed')
  }

  /**
   * A call was answered. With a stream, "connected" waits for the stream to reopen: events missed
   * while it was down are only made good by the re-read that reconnecting starts.
   */
  callAnswered(): void {
    if (this.streamUp !== false) this.set('connected')
  }

  private set(next: ConnectionState): void {
    const previous = this.state
    if (next === previous) return
    this.state = next
    for (const listener of [...this.listeners]) listener(next, previous)
  }
}
