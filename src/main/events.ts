// A typed fan-out of contract events from services to whoever listens: the IPC binding (Electron)
// or the web binding's event stream. Services get `emit` and never know which.
import type { EventName, Events } from '../shared/api'

export type EventListener = <E extends EventName>(name: E, payload: Events[E]) => void
export type Emit = <E extends EventName>(name: E, payload: Events[E]) => void

export class EventHub {
  private readonly listeners = new Set<EventListener>()

  readonly emit: Emit = (name, payload) => {
    for (const listener of this.listeners) listener(name, payload)
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
