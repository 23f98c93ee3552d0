// Picks the client for where the renderer runs: Electron's preload bridge if present, else HTTP.
// Stores reach the client through useApi(); tests swap in a fake with setApi().
import { markRaw } from 'vue'
import type { ApiClient } from './client'
import { createHttpClient } from './http-client'
import { createIpcClient } from './ipc-client'

export type { ApiClient } from './client'

let current: ApiClient | null = null

export function createApi(): ApiClient {
  return window.workbench ? createIpcClient(window.workbench) : createHttpClient()
}

export function useApi(): ApiClient {
  current ??= markRaw(createApi())
  return current
}

export function setApi(client: ApiClient | null): void {
  current = client ? markRaw(client) : null
}
