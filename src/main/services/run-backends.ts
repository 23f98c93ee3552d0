// Which backend a run would get, for planning: probed in a throwaway worker once per forced choice,
// because which backend loads does not change while the process lives. A run's own start refreshes it.
import type { BackendName, BackendReport } from '../../shared/training-protocol'
import { probeBackend, type WorkerOptions } from '../training/host/worker-client'

const cache = new Map<string, Promise<BackendReport>>()

/** The backend a job forcing `force` (or none: 'auto') gets; a failed probe is not remembered. */
export function probedBackend(force: BackendName | undefined, wasmThreads: number | undefined, worker?: WorkerOptions): Promise<BackendReport> {
  const key = force ?? 'auto'
  let p = cache.get(key)
  if (!p) {
    p = probeBackend({ backend: force, wasmThreads }, worker)
    cache.set(key, p)
    p.catch(() => cache.delete(key))
  }
  return p
}

/** What a run that just started was given, the answer for the next plan with the same choice. */
export function rememberBackend(force: string | undefined, report: BackendReport): void {
  cache.set(force ?? 'auto', Promise.resolve(report))
}
