// Runs async jobs with at most `limit` in flight: sharp works in libuv's thread pool, so a few
// parallel jobs keep both cores busy without queueing thousands of decodes at once.
export async function runPool<T, R>(
  items: readonly T[],
  limit: number,
  job: (item: T, index: number) => Promise<R>,
  onResult: (result: R, index: number) => void,
): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      onResult(await job(items[i]!, i), i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}
