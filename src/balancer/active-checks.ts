// Active health checks (lua-resty-healthcheck's active checker, as Kong configures it): every
// `healthy.interval` seconds the healthy targets of an upstream are probed, every
// `unhealthy.interval` seconds the unhealthy ones (0: not probed), at most `concurrency` at a
// time, with a GET of `http_path` through the runtime's upstream transport; each probe's outcome
// counts towards the target's health as a proxied try's does. Run by the Node and Deno entries
// only: a Workers isolate has no background timers (there, active checks are refused at load).
// The timers never keep the process alive, and stop with the gateway.

import type { Logger } from '../log.ts'
import type { UpstreamFailure, UpstreamTransport } from '../proxy/upstream-transport.ts'
import type { TryOutcome } from './balancer.ts'
import type { CheckedTarget, UpstreamBalancer } from './create.ts'

export interface ActiveCheckOptions {
  transport: UpstreamTransport
  /** Lets a timer not keep the process alive (Node: `timer.unref()`, Deno: `Deno.unrefTimer(id)`). */
  unref(timer: ReturnType<typeof setTimeout>): void
  log: Logger
}

/** Starts the probes of every upstream with active checks enabled; returns what stops them. */
export function startActiveChecks(balancers: Iterable<UpstreamBalancer>, options: ActiveCheckOptions): () => void {
  const aborter = new AbortController()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  for (const balancer of balancers) {
    const { active } = balancer.upstream.healthchecks
    // Kong's http subsystem does not run tcp checks (they are for its stream proxy).
    if (active.type !== 'http' && active.type !== 'https') continue
    for (const healthy of [true, false]) {
      const seconds = active[healthy ? 'healthy' : 'unhealthy'].interval
      if (seconds <= 0) continue
      const round = async () => {
        await probeAll(
          balancer,
          balancer.checked.filter((checked) => checked.health.healthy === healthy),
          options,
          aborter.signal,
        )
        if (aborter.signal.aborted) return
        const timer = setTimeout(() => {
          timers.delete(timer)
          void round()
        }, seconds * 1000)
        timers.add(timer)
        options.unref(timer)
      }
      const first = setTimeout(() => {
        timers.delete(first)
        void round()
      }, 0)
      timers.add(first)
      options.unref(first)
    }
  }
  return () => {
    aborter.abort()
    for (const timer of timers) clearTimeout(timer)
    timers.clear()
  }
}

async function probeAll(balancer: UpstreamBalancer, targets: readonly CheckedTarget[], options: ActiveCheckOptions, signal: AbortSignal): Promise<void> {
  const queue = [...targets]
  const worker = async () => {
    for (let next = queue.shift(); next && !signal.aborted; next = queue.shift()) {
      const outcome = await probe(balancer, next, options.transport, signal)
      if (signal.aborted) return
      const was = next.health.healthy
      next.health.report(outcome, 'active')
      if (next.health.healthy !== was) {
        options.log.warn(`upstream target is now ${was ? 'unhealthy' : 'healthy'} (active health check)`, {
          upstream: balancer.upstream.name,
          target: `${next.target.host}:${next.target.port}`,
        })
      }
    }
  }
  const { concurrency } = balancer.upstream.healthchecks.active
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker))
}

async function probe(balancer: UpstreamBalancer, { target }: CheckedTarget, transport: UpstreamTransport, signal: AbortSignal): Promise<TryOutcome> {
  const { upstream } = balancer
  const { active } = upstream.healthchecks
  const timeoutMs = active.timeout * 1000
  const host = upstream.host_header ?? (target.host.includes(':') ? `[${target.host}]` : target.host)
  const headers: Array<[string, string]> = [['host', host]]
  for (const [name, values] of Object.entries(active.headers ?? {})) for (const value of values) headers.push([name.toLowerCase(), value])
  try {
    const answer = await transport({
      protocol: active.type === 'https' ? 'https' : 'http',
      host: target.host,
      port: target.port,
      method: 'GET',
      target: active.http_path,
      headers,
      body: null,
      runtime: undefined,
      timeouts: { connectMs: timeoutMs, writeMs: timeoutMs, readMs: timeoutMs },
      ...(active.type === 'https'
        ? { tls: { verify: active.https_verify_certificate, serverName: active.https_sni ?? target.host.replace(/^\[|\]$/g, '') } }
        : {}),
      signal,
    })
    await answer.body?.cancel().catch(() => {})
    return { status: answer.status }
  } catch (error) {
    return (error as UpstreamFailure).timedOut ? 'timeout' : 'tcp-failure'
  }
}
