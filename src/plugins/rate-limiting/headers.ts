// The headers Kong's rate-limiting handler sets, computed as it computes them: per period its limit
// and what is left after this request (after none when the request is refused), then the
// RateLimit-* of the period with the least left (the longest window on a tie), and Retry-After
// on a refusal.

import { PERIOD_SECONDS, PERIODS, type Period } from '../../rate-limit/windows.ts'

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
      // Kong's count: its window's length less the whole seconds gone, at least 1.
      reset = Math.max(1, (PERIOD_SECONDS[PERIODS.indexOf(period)] as number) - Math.floor((now - (starts[i] as number)) / 1000))
    }
    const title = period[0]?.toUpperCase() + period.slice(1)
    headers.push([`X-RateLimit-Limit-${title}`, String(limit)], [`X-RateLimit-Remaining-${title}`, String(remaining)])
  }
  headers.push(['RateLimit-Limit', String(limitOfLeast)], ['RateLimit-Remaining', String(least)], ['RateLimit-Reset', String(reset)])
  if (!taken) headers.push(['Retry-After', String(reset)])
  return headers
}
