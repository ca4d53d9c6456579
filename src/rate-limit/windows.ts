// Kong's fixed windows (https://github.com/Kong/kong/blob/master/kong/tools/timestamp.lua and
// kong/plugins/rate-limiting/expiration.lua): each period's window starts at the whole UTC
// second, minute, hour, day, first of the month or first of January, and a counter is named by
// its window's start, so every instance that shares a store counts in the same window.

import type { WindowCounter } from './counter-store.ts'

export const PERIODS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const
export type Period = (typeof PERIODS)[number]

/** Kong's EXPIRATION, in PERIODS order, in seconds: a month is 30 days and a year 365 in its headers' reset. */
export const PERIOD_SECONDS = [1, 60, 3600, 86400, 2592000, 31536000]

/**
 * The start of `period`'s window holding `at` (epoch ms), or with `next` 1 the start of the one
 * after: the calendar's next month or year (a counter must outlive its window; Kong's 30 and 365
 * days would forget one on the 31st).
 */
export function windowStart(period: Period, at: number, next = 0): number {
  const d = new Date(at)
  // The UTC fields down to the period's own: year, month, day, hour, minute, second.
  const fields = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()].slice(
    0,
    6 - PERIODS.indexOf(period),
  )
  fields[fields.length - 1] += next
  return Date.UTC(...(fields as [number]))
}

/** Kong's ngx.time() in epoch ms: the whole seconds windows and resets are computed from. */
export function wholeSecondsNow(): number {
  return Math.floor(Date.now() / 1000) * 1000
}

/**
 * `owner`'s counter of `period`'s window holding `now`: Kong's key `<owner>:<window start>:<period>`
 * (response-ratelimiting names its limit before the period: `<start>:<name>:<period>`), kept
 * until the window ends.
 */
export function windowCounter(owner: string, period: Period, now: number, name?: string): WindowCounter & { start: number } {
  const start = windowStart(period, now)
  const key = `${owner}:${start}:${name === undefined ? '' : `${name}:`}${period}`
  return { owner, key, start, expiresAt: windowStart(period, start, 1) }
}
