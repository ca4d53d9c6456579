// A target's health as Kong's healthchecker keeps it (lua-resty-healthcheck, used by
// https://github.com/Kong/kong/blob/master/kong/runloop/balancer/healthcheckers.lua): counters of
// successes, HTTP failures, TCP failures and timeouts, from passive checks (the proxied tries)
// and active probes alike. A counter reaching its threshold (0 = off) turns the target healthy or
// unhealthy; a success clears the failure counters and a failure the success counter; reports in
// the direction the target already fully is are not counted.

import type { Healthchecks } from '../model/entities/upstream.ts'
import type { TryOutcome } from './balancer.ts'

export type Check = 'active' | 'passive'

export interface TargetHealth {
  readonly healthy: boolean
  report(outcome: TryOutcome, check: Check): void
}

type Counter = 'successes' | 'http_failures' | 'tcp_failures' | 'timeouts'

/** lua-resty-healthcheck's states: healthy, mostly healthy, mostly unhealthy, unhealthy; a "mostly" one counts as the state it comes from. */
const HEALTHY = 0
const UNHEALTHY = 3

export function targetHealth(checks: Healthchecks): TargetHealth {
  let state = HEALTHY
  let counts: Partial<Record<Counter, number>> = {}
  const count = (counter: Counter, limit: number) => {
    const success = counter === 'successes'
    if (limit === 0 || state === (success ? HEALTHY : UNHEALTHY)) return
    const n = (counts[counter] ?? 0) + 1
    counts = success ? { successes: n } : { ...counts, successes: 0, [counter]: n }
    if (n >= limit) state = success ? HEALTHY : UNHEALTHY
    else if (state === HEALTHY || state === UNHEALTHY) state = state === HEALTHY ? 1 : 2
  }
  return {
    get healthy() {
      return state < 2
    },
    report(outcome, check) {
      const { healthy, unhealthy } = checks[check]
      if (outcome === 'tcp-failure') count('tcp_failures', unhealthy.tcp_failures)
      else if (outcome === 'timeout') count('timeouts', unhealthy.timeouts)
      else if (healthy.http_statuses.includes(outcome.status)) count('successes', healthy.successes)
      else if (unhealthy.http_statuses.includes(outcome.status)) count('http_failures', unhealthy.http_failures)
    },
  }
}
