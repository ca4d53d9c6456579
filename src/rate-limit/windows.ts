// Kong's fixed windows (https://github.com/Kong/kong/blob/master/kong/tools/timestamp.lua and
// kong/plugins/rate-limiting/expiration.lua): each period's window starts at the whole UTC
// second, minute, hour, day, first of the month or first of January, and a counter is named by
// its window's start, so every instance that shares a store counts in the same window.

export const PERIODS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const
export type Period = (typeof PERIODS)[number]

/** Kong's EXPIRATION, in seconds: a month is 30 days and a year 365 in its headers' reset. */
export const PERIOD_SECONDS: Readonly<Record<Period, number>> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86400,
  month: 2592000,
  year: 31536000,
}

/** The start of `period`'s window holding `at` (epoch ms), in epoch ms. */
export function windowStart(period: Period, at: number): number {
  return windowBound(period, new Date(at), 0)
}

/**
 * When `period`'s window that started at `start` ends: the calendar's next month or year (a
 * counter must outlive its window; Kong's 30 and 365 days would forget one on the 31st).
 */
export function windowEnd(period: Period, start: number): number {
  return windowBound(period, new Date(start), 1)
}

function windowBound(period: Period, d: Date, next: number): number {
  const y = d.getUTCFullYear()
  const mo = d.getUTCMonth()
  const day = d.getUTCDate()
  const h = d.getUTCHours()
  const mi = d.getUTCMinutes()
  const s = d.getUTCSeconds()
  switch (period) {
    case 'second':
      return Date.UTC(y, mo, day, h, mi, s + next)
    case 'minute':
      return Date.UTC(y, mo, day, h, mi + next)
    case 'hour':
      return Date.UTC(y, mo, day, h + next)
    case 'day':
      return Date.UTC(y, mo, day + next)
    case 'month':
      return Date.UTC(y, mo + next)
    case 'year':
      return Date.UTC(y + next, 0)
  }
}

/**
 * Kong's RateLimit-Reset for a window: whole seconds until it ends by Kong's count (30-day
 * months, 365-day years), at least 1. `now` has Kong's whole-second precision.
 */
export function secondsToReset(period: Period, start: number, now: number): number {
  return Math.max(1, PERIOD_SECONDS[period] - Math.floor((now - start) / 1000))
}
