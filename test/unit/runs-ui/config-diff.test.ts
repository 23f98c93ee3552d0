// The config diff marks exactly the fields that differ, as the user reads them.
import { describe, expect, it } from 'vitest'
import { diffConfigs } from '../../../src/renderer/src/lib/runs/config-diff'
import { config } from './fixtures'

describe('diffConfigs', () => {
  it('lists every field and flags only the differing ones', () => {
    const a = config({ seed: 1, labels: { mode: 'fraction', fraction: 0.1 } })
    const b = config({ seed: 2, labels: { mode: 'count', count: 50 }, frozenEncoder: false, backend: 'wasm', channels: [4, 8] })
    const rows = diffConfigs(a, b)
    expect(rows.length).toBeGreaterThanOrEqual(14)
    expect(rows.filter((r) => !r.same).map((r) => [r.field, r.a, r.b])).toEqual([
      ['labels', '10 %', '50 images'],
      ['frozenEncoder', 'frozen', 'trainable'],
      ['channels', 'paper (32/64/128/256)', '4/8'],
      ['seed', '1', '2'],
      ['backend', 'auto', 'wasm'],
    ])
  })
  it('finds nothing to flag between equal configs', () => {
    expect(diffConfigs(config(), config()).every((r) => r.same)).toBe(true)
  })
})
