// Errors the user must see, collected from every store and shown in one alert region.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { AppError } from '../../../shared/errors'

export interface ShownError {
  id: number
  /** What the app was doing, e.g. "Could not open the dataset". */
  context: string
  /** The service's own message, e.g. "images/ is missing in /data/pets". */
  message: string
  code: string
}

export const useErrorStore = defineStore('errors', () => {
  const errors = ref<ShownError[]>([])
  let nextId = 1

  function report(context: string, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err)
    const code = err instanceof AppError ? err.code : 'INTERNAL'
    // The same failure repeated (e.g. a filter retried) is shown once.
    if (errors.value.some((e) => e.context === context && e.message === message)) return
    errors.value.push({ id: nextId++, context, message, code })
    if (!(err instanceof AppError)) console.error(context, err)
  }

  function dismiss(id: number): void {
    errors.value = errors.value.filter((e) => e.id !== id)
  }

  function clear(): void {
    errors.value = []
  }

  return { errors, report, dismiss, clear }
})
