import { describe, expect, it } from 'vitest'
import { timingSafeEqual } from '../../../src/plugins/shared/timing-safe-equal.ts'

describe('timingSafeEqual', () => {
  it.each([
    ['secret', 'secret', true],
    ['secret', 'secreT', false],
    ['secret', 'secret2', false],
    ['secret2', 'secret', false],
    ['', '', true],
    ['', 'secret', false],
    ['secret', '', false],
    // A repetition of the secret is not the secret (the comparison wraps around the secret's bytes).
    ['abab', 'ab', false],
    ['ключ', 'ключ', true],
    ['ключ', 'ключь', false],
  ])('%j against %j: %s', (presented, secret, equal) => {
    expect(timingSafeEqual(presented, secret)).toBe(equal)
  })
})
