// Answers before the events they caused, for both bindings (ipc.ts, web/server.ts): an event a call
// raises while it runs is published once the call's answer has gone out, so the page sees 'labels:save'
// resolve before 'labels:changed' arrives and the refreshes that event starts never hold up the answer
// the user waits for. Progress events stream while their call runs; events raised outside any call (a
// training run's) go out at once. Each subscriber gets the events in the order they were raised.
import { AsyncLocalStorage } from 'node:async_hooks'
import type { EventName } from '../shared/api'
import type { EventListener } from './events'

/** Events that report a call's progress while it runs (an import, an export): never held. */
const STREAMED: ReadonlySet<EventName> = new Set<EventName>(['dataset:progress', 'runs:progress', 'runs:exportProgress', 'predictions:progress'])

interface Call {
  /** Until its answer has gone out. */
  open: boolean
  /** Subscribers holding an event of this call, to drain once it closes. */
  waiting: Set<() => void>
}

export class CallOrder {
  private readonly calls = new AsyncLocalStorage<Call>()

  /**
   * Runs one call. The binding writes (web) or hands over (IPC) the answer when the call settles, within
   * that turn of the event loop; the call closes at the end of the turn and its held events go out.
   */
  run<T>(call: () => Promise<T>): Promise<T> {
    const state: Call = { open: true, waiting: new Set() }
    const result = this.calls.run(state, call)
    const close = (): void =>
      void setImmediate(() => {
        state.open = false
        for (const drain of state.waiting) drain()
      })
    result.then(close, close)
    return result
  }

  /** `publish`, with an event raised by an open call (and any raised after it) held until that call closes. */
  ordered(publish: EventListener): EventListener {
    const queue: { call: Call | null; send: () => void }[] = []
    const drain = (): void => {
      while (queue.length > 0 && !queue[0]!.call?.open) queue.shift()!.send()
    }
    return (name, payload) => {
      const call = this.calls.getStore()
      const holder = call?.open && !STREAMED.has(name) ? call : null
      queue.push({ call: holder, send: () => publish(name, payload) })
      holder?.waiting.add(drain)
      drain()
    }
  }
}
