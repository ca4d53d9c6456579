// The headers Kong's rate-limiting handler sets, computed as it computes them: per period its limit
// and what is left after this request (after none when the request is refused), then the
// RateLimit-* of the period with the least left (the longest window on a tie), and Retry-After
// on a refusal.

import { type Period, secondsToReset } from '../../rate-limit/windows.ts'

const TITLES: Readonly<Record<Period, string>> = { second: 'Second', minute: 'Minute', hour: 'Hour', day: 'Day', month: 'Month', year: 'Year' }

/**
 * `limits` in PERIODS order with their windows' `starts`; `counts` before this request; `now`
 * in whole seconds (epoch ms).
 */
export function limitHeaders(
  limits: ReadonlyArray<readonly [Period, number]>,
  starts: readonly number[],
  { counts, taken }: { counts: readonly number[]; taken: boolean },
  now: number,
): [string, string][] {
  const headers: [string, string][] = []
  let least = Number.POSITIVE_INFINITY
  let reset = 0
  let limitOfLeast = 0
  for (const [i, [period, limit]] of limits.entries()) {
    // Kong subtracts this request from every period when it passes, and from the exceeded one
    // (already at or below 0) when refused.
    const remaining = Math.max(0, limit - (counts[i] as number) - (taken ? 1 : 0))
    // Later periods are longer: `<=` takes the longest window on a tie.
    if (remaining <= least) {
      least = remaining
      limitOfLeast = limit
      reset = secondsToReset(period, starts[i] as number, now)
    }
    headers.push([`X-RateLimit-Limit-${TITLES[period]}`, String(limit)], [`X-RateLimit-Remaining-${TITLES[period]}`, String(remaining)])
  }
  headers.push(['RateLimit-Limit', String(limitOfLeast)], ['RateLimit-Remaining', String(least)], ['RateLimit-Reset', String(reset)])
  if (!taken) headers.push(['Retry-After', String(reset)])
  return headers
}
