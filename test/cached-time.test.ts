import { describe, expect, it } from 'vitest'
import { cachedTime } from '../src/cached-time.ts'

describe('cachedTime', () => {
  it('formats once per unit, and again for every other unit, earlier ones included', () => {
    const calls: number[] = []
    const seconds = cachedTime(1000, (ms) => {
      calls.push(ms)
      return new Date(ms).toISOString()
    })
    expect(seconds(1_700_000_000_123)).toBe('2023-11-14T22:13:20.000Z')
    expect(seconds(1_700_000_000_999)).toBe('2023-11-14T22:13:20.000Z')
    expect(seconds(1_700_000_001_000)).toBe('2023-11-14T22:13:21.000Z')
    // A request that arrived in the second before is formatted for its own second.
    expect(seconds(1_700_000_000_500)).toBe('2023-11-14T22:13:20.000Z')
    expect(calls).toEqual([1_700_000_000_000, 1_700_000_001_000, 1_700_000_000_000])
  })

  it('to the millisecond', () => {
    const iso = cachedTime(1, (ms) => new Date(ms).toISOString())
    expect(iso(5)).toBe('1970-01-01T00:00:00.005Z')
    expect(iso(6)).toBe('1970-01-01T00:00:00.006Z')
  })
})
