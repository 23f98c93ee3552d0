// The progress throttle: at most one report per interval, the first and the due ones always.
import { expect, it } from 'vitest'
import { throttle } from '../../src/shared/throttle'

it('passes the first report, holds the next ones inside the interval, and always passes a due one', () => {
  let t = 1000
  const ready = throttle(100, () => t)
  expect(ready()).toBe(true)
  t = 1050
  expect(ready()).toBe(false)
  expect(ready(true)).toBe(true)
  t = 1100
  expect(ready()).toBe(false)
  t = 1151
  expect(ready()).toBe(true)
})
