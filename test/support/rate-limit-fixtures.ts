// What the rate-limiting plugins' unit tests share: a clock the test sets, so that no case meets
// a window's end, and the redis block of Kong's schema specs.

import { afterEach, beforeEach, vi } from 'vitest'

/** 2026-03-04T05:06:07Z */
export const NOW = Date.UTC(2026, 2, 4, 5, 6, 7)

/** Every test of the calling file starts at NOW, with only Date faked (timers run). */
export function useFixedClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(NOW)
  })
  afterEach(() => {
    vi.useRealTimers()
  })
}

/** A redis block with every field set, as Kong's schema specs write it. */
export const REDIS_SETTINGS = {
  host: 'redis.test',
  port: 6380,
  database: 0,
  username: 'test',
  password: 'testXXX',
  ssl: true,
  ssl_verify: false,
  timeout: 1100,
  server_name: 'redis.test',
}
