// The one rule for progress a person watches (dataset indexing, archive extraction, training and
// prediction jobs): report at most once per interval, except a report its caller marks as due (the
// last item, a phase change), so a bar never stops short of its end.
export type Throttle = (due?: boolean) => boolean

/** true when a report should go out now; the first call always passes. */
export function throttle(intervalMs: number, now: () => number = () => performance.now()): Throttle {
  let last = -Infinity
  return (due = false) => {
    const t = now()
    if (!due && t - last < intervalMs) return false
    last = t
    return true
  }
}
