// A scripted ApiClient for renderer tests: per-channel handlers, a log of calls, and emit() for events.
import type { ArgOf, Channel, EventName, Events, ResultOf } from '../../../src/shared/api'
import { AppError } from '../../../src/shared/errors'
import { buildCalls, type ApiClient } from '../../../src/renderer/src/api/client'
import type { DatasetInfo, FacetCounts, ImageSummary } from '../../../src/shared/types/dataset'

export type Handlers = { [K in Channel]?: (arg: ArgOf<K>) => ResultOf<K> | Promise<ResultOf<K>> }

export interface FakeApi extends ApiClient {
  calls: { channel: Channel; arg: unknown }[]
  emit<E extends EventName>(event: E, payload: Events[E]): void
  listenerCount(): number
}

export function fakeApi(handlers: Handlers): FakeApi {
  const calls: FakeApi['calls'] = []
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  const api = buildCalls(async <K extends Channel>(channel: K, arg: ArgOf<K>) => {
    calls.push({ channel, arg })
    const handler = handlers[channel] as ((a: ArgOf<K>) => ResultOf<K> | Promise<ResultOf<K>>) | undefined
    if (!handler) throw new AppError('UNSUPPORTED', `no fake for ${channel}`)
    return handler(arg)
  })
  return {
    ...api,
    calls,
    mode: 'web',
    mediaUrl: (kind, id) => `/media/${kind}/${id}`,
    on(event, listener) {
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      set.add(listener as (p: unknown) => void)
      return () => set.delete(listener as (p: unknown) => void)
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload)
    },
    listenerCount: () => [...listeners.values()].reduce((n, s) => n + s.size, 0),
  }
}

export function dataset(over: Partial<DatasetInfo> = {}): DatasetInfo {
  return {
    id: 1,
    root: '/data/pets',
    name: 'pets',
    isDemo: false,
    openedAt: '2026-01-01T00:00:00Z',
    indexedAt: '2026-01-01T00:00:00Z',
    imageCount: 3,
    labelledCount: 2,
    brokenCount: 1,
    splits: { trainval: 2, test: 1, none: 0 },
    skipped: [],
    ...over,
  }
}

export function image(id: number, over: Partial<ImageSummary> = {}): ImageSummary {
  return {
    id,
    name: `Abyssinian_${id}`,
    breed: 'Abyssinian',
    classId: 1,
    species: 'cat',
    split: 'trainval',
    width: 200,
    height: 150,
    label: 'original',
    broken: false,
    review: null,
    problemCount: 0,
    ...over,
  }
}

export function facets(over: Partial<FacetCounts> = {}): FacetCounts {
  return {
    total: 3,
    species: { cat: 2, dog: 1 },
    split: { trainval: 2, test: 1, none: 0 },
    label: { labelled: 2, unlabelled: 1, edited: 0, predicted: 0, broken: 1 },
    review: { accepted: 1, 'needs-review': 1, rejected: 0, none: 1 },
    problems: 1,
    breeds: [
      { breed: 'Abyssinian', classId: 1, species: 'cat', count: 2 },
      { breed: 'american_bulldog', classId: 2, species: 'dog', count: 1 },
    ],
    ...over,
  }
}

/** Let pending promises and Vue's scheduler run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0))
}
