// A target's health as Kong's healthchecker keeps it (lua-resty-healthcheck, used by
// https://github.com/Kong/kong/blob/master/kong/runloop/balancer/healthcheckers.lua): counters of
// successes, HTTP failures, TCP failures and timeouts, from passive checks (the proxied tries)
// and active probes alike. A counter reaching its threshold (0 = off) turns the target healthy or
// unhealthy; a success clears the failure counters and a failure the success counter; reports in
// the direction the target already fully is are not counted.

import type { Healthchecks } from '../model/entities/upstream.ts'
import type { TryOutcome } from './balancer.ts'

export type Check = 'active' | 'passive'
type Counter = 'successes' | 'http_failures' | 'tcp_failures' | 'timeouts'
/** lua-resty-healthcheck's internal states: a "mostly" state still counts as the state it comes from. */
type State = 'healthy' | 'mostly_healthy' | 'mostly_unhealthy' | 'unhealthy'

export class TargetHealth {
  private state: State = 'healthy'
  private counts: Record<Counter, number> = { successes: 0, http_failures: 0, tcp_failures: 0, timeouts: 0 }
  private readonly checks: Healthchecks
  constructor(checks: Healthchecks) {
    this.checks = checks
  }

  get healthy(): boolean {
    return this.state === 'healthy' || this.state === 'mostly_healthy'
  }

  report(outcome: TryOutcome, check: Check): void {
    const { healthy, unhealthy } = this.checks[check]
    if (outcome === 'tcp-failure') this.count('tcp_failures', unhealthy.tcp_failures)
    else if (outcome === 'timeout') this.count('timeouts', unhealthy.timeouts)
    else if (healthy.http_statuses.includes(outcome.status)) this.count('successes', healthy.successes)
    else if (unhealthy.http_statuses.includes(outcome.status)) this.count('http_failures', unhealthy.http_failures)
  }

  private count(counter: Counter, limit: number): void {
    if (limit === 0) return
    const report = counter === 'successes' ? 'healthy' : 'unhealthy'
    if (this.state === report) return
    const count = this.counts[counter] + 1
    this.counts =
      counter === 'successes' ? { successes: count, http_failures: 0, tcp_failures: 0, timeouts: 0 } : { ...this.counts, successes: 0, [counter]: count }
    if (count >= limit) this.state = report
    else if (this.state === 'healthy') this.state = 'mostly_healthy'
    else if (this.state === 'unhealthy') this.state = 'mostly_unhealthy'
  }
}
