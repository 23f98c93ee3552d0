// A worker that cannot train a job (too little memory, no backend for it, no copy of its data) gives
// it back to the queue with the reason, instead of failing it: another worker may well train it.
export class GiveBack extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'GiveBack'
  }
}
