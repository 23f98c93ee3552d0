// Runs async work one call at a time per key, in the order of the calls: saves of one image (the
// labels service), opens and imports of datasets (the dataset service). A failed call does not
// block the ones queued behind it.
export class Serial<K = string> {
  private readonly tails = new Map<K, Promise<unknown>>()

  run<T>(key: K, fn: () => Promise<T>): Promise<T> {
    const run = (this.tails.get(key) ?? Promise.resolve()).then(() => fn())
    const tail = run.then(
      () => undefined,
      () => undefined,
    )
    this.tails.set(key, tail)
    // Keys come and go (one per image): forget a key once its last call has settled.
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return run
  }
}
