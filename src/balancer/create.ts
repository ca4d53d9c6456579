// The balancers of a configuration's upstreams, by upstream name (Kong's
// https://github.com/Kong/kong/blob/master/kong/runloop/balancer/balancers.lua): each target an
// address of the algorithm's wheel or ring, with its health (passive checks count every try's
// outcome; active probes, where the runtime runs them, report to the same counters). An upstream
// is unhealthy as a whole when its healthy weight is not above `healthchecks.threshold` percent
// of its weight (or it has no weight): no target is picked, Kong's 503.

import { getOrCreate } from '../get-or-create.ts'
import type { Logger } from '../log.ts'
import type { GatewayUpstream } from '../model/config.ts'
import { ConfigError, type ConfigProblem } from '../model/validate.ts'
import { type Algorithm, consistentHashing, leastConnections, roundRobin, type Slot } from './algorithms.ts'
import type { Balancer, BalancerTarget, TryOutcome } from './balancer.ts'
import { hashValue } from './hash-value.ts'
import { type TargetHealth, targetHealth } from './health.ts'

/** A target's address with its health, probed by active checks. */
export interface CheckedTarget {
  readonly target: BalancerTarget
  readonly health: TargetHealth
}

export interface UpstreamBalancer extends Balancer {
  readonly upstream: GatewayUpstream
  /** Each address once (targets written twice share one health). */
  readonly checked: readonly CheckedTarget[]
}

export interface BalancerOptions {
  /**
   * Whether this runtime runs active health checks (Node, Deno); without them (Workers: an
   * isolate has no background timers) an upstream with active checks enabled is refused.
   */
  activeHealthChecks: boolean
  /** Whether this runtime's HTTP client sends a Host of its own (fetch sends the URL's): else `host_header` is refused. */
  hostHeader: boolean
  /** Told when a target turns unhealthy or healthy through passive checks. */
  log?: Logger
}

/** Throws ConfigError when an upstream needs what this runtime cannot do. */
export function createBalancers(upstreams: readonly GatewayUpstream[], options: BalancerOptions): ReadonlyMap<string, UpstreamBalancer> {
  const problems: ConfigProblem[] = []
  const balancers = new Map<string, UpstreamBalancer>()
  for (const upstream of upstreams) {
    const { active } = upstream.healthchecks
    const at = `${upstream.path}.healthchecks.active`
    for (const state of ['healthy', 'unhealthy'] as const) {
      if (active[state].interval > 0 && !options.activeHealthChecks) {
        problems.push({
          path: `${at}.${state}.interval`,
          message: 'active health checks need background timers, which this runtime has not: set 0 (passive checks work)',
        })
      }
    }
    if (upstream.host_header !== undefined && !options.hostHeader) {
      problems.push({ path: `${upstream.path}.host_header`, message: "not supported on this runtime: its HTTP client sends the target's name as Host" })
    }
    if (active.type.startsWith('grpc') && active.healthy.interval + active.unhealthy.interval > 0) {
      problems.push({ path: `${at}.type`, message: 'gRPC health checks are not supported: use http or https' })
    }
    balancers.set(upstream.name, createBalancer(upstream, options.log))
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return balancers
}

interface Entry extends Slot {
  readonly target: BalancerTarget
  readonly health: TargetHealth
}

const keyOf = (target: BalancerTarget) => `${target.host}:${target.port}`

function createBalancer(upstream: GatewayUpstream, log: Logger | undefined): UpstreamBalancer {
  const { healthchecks } = upstream
  const checked = new Map<string, CheckedTarget>()
  const entries: Entry[] = upstream.targets.map(({ host, port, weight }) => {
    const target = { host, port }
    // As Kong's healthchecker, active checks probe only targets that take traffic.
    const { health } =
      weight > 0 ? getOrCreate(checked, keyOf(target), () => ({ target, health: targetHealth(healthchecks) })) : { health: targetHealth(healthchecks) }
    return { host, port, weight, connections: 0, target, health }
  })
  const algorithm: Algorithm =
    upstream.algorithm === 'consistent-hashing'
      ? consistentHashing(entries, upstream.slots)
      : upstream.algorithm === 'least-connections'
        ? leastConnections(entries)
        : roundRobin(entries)
  const total = entries.reduce((sum, entry) => sum + entry.weight, 0)
  const healthy = () => {
    const available = entries.reduce((sum, entry) => sum + (entry.health.healthy ? entry.weight : 0), 0)
    return total > 0 && (available / total) * 100 > healthchecks.threshold
  }

  return {
    upstream,
    ...(upstream.host_header === undefined ? {} : { hostHeader: upstream.host_header }),
    checked: [...checked.values()],
    pick(request, tried) {
      if (!healthy()) return undefined
      if (!request.hash && upstream.algorithm === 'consistent-hashing') request.hash = hashValue(upstream, request)
      const { hash } = request
      // Kong's retries go to targets not tried yet; once all were, round again (least_connections.lua's failedAddresses).
      const tries = new Map<string, number>()
      for (const target of tried) tries.set(keyOf(target), (tries.get(keyOf(target)) ?? 0) + 1)
      const triesOf = (slot: Slot) => tries.get(keyOf(slot)) ?? 0
      const usable = (slot: Slot) => slot.weight > 0 && (slot as Entry).health.healthy
      const fewest = Math.min(...entries.filter(usable).map(triesOf))
      const entry = algorithm((slot) => usable(slot) && triesOf(slot) === fewest, hash?.value ?? '') as Entry | undefined
      if (!entry) return undefined
      entry.connections++
      let finished = false
      let released = false
      return {
        target: entry.target,
        ...(hash?.setCookie ? { setCookie: hash.setCookie } : {}),
        release() {
          if (released) return
          released = true
          entry.connections--
        },
        done(outcome: TryOutcome) {
          if (finished) return
          finished = true
          const was = entry.health.healthy
          // An upstream's own 504 counts as a timeout, as Kong's log phase reports it.
          entry.health.report(typeof outcome === 'object' && outcome.status === 504 ? 'timeout' : outcome, 'passive')
          if (entry.health.healthy !== was) {
            log?.warn(`upstream target is now ${was ? 'unhealthy' : 'healthy'} (passive health check)`, { upstream: upstream.name, target: keyOf(entry) })
          }
        },
      }
    },
  }
}
