// Kong's checks on limits per period, in its words: rate-limiting's config holds one set, each of
// response-ratelimiting's `limits` another.

import { PERIODS, type Period } from './windows.ts'

export type PeriodLimits = { readonly [P in Period]?: number }

/**
 * Kong's `at_least_one_of` the periods, then its validate_periods_order (a longer period's limit
 * below a shorter one's), whose message rate-limiting starts `The limit` and response-ratelimiting
 * `the limit`. `prefix` is how Kong names the fields (`config.` where they are the config's own).
 */
export function periodsProblem(limits: PeriodLimits, the: 'The' | 'the', prefix = ''): string | undefined {
  const given = PERIODS.filter((period) => limits[period] !== undefined)
  if (given.length === 0) return `at least one of these fields must be non-empty: ${PERIODS.map((period) => `'${prefix}${period}'`).join(', ')}`
  for (const [i, lower] of given.entries()) {
    const upper = given.slice(i + 1).find((period) => (limits[period] as number) < (limits[lower] as number))
    if (upper) {
      const [a, b] = [limits[upper] as number, limits[lower] as number].map((n) => n.toFixed(1))
      return `${the} limit for ${upper}(${a}) cannot be lower than the limit for ${lower}(${b})`
    }
  }
  return undefined
}
