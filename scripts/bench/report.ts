// The results as Markdown tables, ready for BENCHMARKS.md.

import { STREAM } from './bench-config.ts'
import type { Latency } from './load.ts'
import type { ConnectionMemory, MemorySample } from './memory.ts'
import { type InRounds, requestsRatio } from './rounds.ts'
import type { StreamTimes } from './streaming.ts'
import type { Suite } from './targets.ts'

export interface SizeResult extends InRounds {
  size: string
  rssBefore: number
  rssAfter: number
}

export interface TargetResult {
  name: string
  suite: Suite
  sizes: SizeResult[]
  /** One request at a time, 1 KiB. */
  latency: Latency
  peakMiB: number
  /** Plain-proxy suite: memory held per 1 MiB request in flight, garbage excluded (memory.ts). */
  retainedKiB?: number
  /** Lambda suite: what an idle keep-alive connection holds (memory.ts). */
  perConnection?: ConnectionMemory
}

const fixed = (value: number, digits = 1) => value.toFixed(digits)

/** One suite's tables; ratios are `gateway`'s to every other target, latency added over `floor`'s. */
export function report(results: TargetResult[], gateway: string, floor: string): string {
  const lines = [
    '| target | body | req/s | p50 ms | p99 ms | CPU µs/req | failed | RSS after warm-up → end (MiB) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ]
  for (const target of results) {
    for (const run of target.sizes) {
      lines.push(
        `| ${target.name} | ${run.size} | ${Math.round(run.requestsPerSecond)} | ${run.p50Ms} | ${run.p99Ms} | ${Math.round(run.cpuUsPerRequest)} | ${run.failures} | ${fixed(run.rssBefore)} → ${fixed(run.rssAfter)} |`,
      )
    }
  }
  lines.push('', '| target | peak RSS (MiB) | 1 connection, 1 KiB: p50 ms | p99 ms |', '| --- | ---: | ---: | ---: |')
  for (const target of results) {
    lines.push(`| ${target.name} | ${fixed(target.peakMiB)} | ${fixed(target.latency.p50Ms, 3)} | ${fixed(target.latency.p99Ms, 3)} |`)
  }
  lines.push('', ...ratios(results, gateway, floor))
  return lines.join('\n')
}

/** The gateway against each other target, per body size: by req/s, then by CPU per request (theirs over the gateway's). */
function ratios(results: TargetResult[], gatewayName: string, floorName: string): string[] {
  const gateway = results.find((target) => target.name === gatewayName)
  const others = results.filter((target) => target !== gateway)
  if (!gateway || others.length === 0) return []
  const lines = [
    `| body | ${others.map((other) => `gateway / ${other.name} req/s`).join(' | ')} | added p50 over floor, 50 conn. |`,
    `| --- | ${others.map(() => '---: | ').join('')}---: |`,
  ]
  const floor = results.find((target) => target.name === floorName)
  for (const run of gateway.sizes) {
    const cells = (ratio: (theirs: SizeResult) => number) =>
      others.map((other) => {
        const theirs = other.sizes.find((size) => size.size === run.size)
        return theirs ? fixed(ratio(theirs), 2) : '–'
      })
    const floorRun = floor?.sizes.find((size) => size.size === run.size)
    lines.push(`| ${run.size} | ${cells((theirs) => requestsRatio(run, theirs)).join(' | ')} | ${floorRun ? `${run.p50Ms - floorRun.p50Ms} ms` : '–'} |`)
    lines.push(`| ${run.size}, by CPU µs/req | ${cells((theirs) => theirs.cpuUsPerRequest / run.cpuUsPerRequest).join(' | ')} | – |`)
  }
  if (floor) lines.push('', `Added median latency over ${floorName}, 1 connection, 1 KiB: ${fixed(gateway.latency.p50Ms - floor.latency.p50Ms, 3)} ms`)
  return lines
}

/** RSS and retained memory after the warm-up, then after each consecutive run. */
export function memoryReport(samples: MemorySample[], seconds: number): string {
  const runs = samples.slice(1).map((_, i) => `run ${i + 1}`)
  return [
    `lambda-gateway memory (MiB), 1 KiB, after a ${seconds} s warm-up and each of ${runs.length} consecutive ${seconds} s runs:`,
    '',
    `| | after warm-up | ${runs.join(' | ')} |`,
    `| --- | ---: | ${runs.map(() => '---:').join(' | ')} |`,
    `| RSS | ${samples.map(({ rss }) => fixed(rss)).join(' | ')} |`,
    `| heap + external after a full collection | ${samples.map(({ retained }) => fixed(retained)).join(' | ')} |`,
  ].join('\n')
}

/** What an idle keep-alive connection holds, per target that was measured. */
export function connectionReport(results: TargetResult[]): string {
  const measured = results.filter((target) => target.perConnection)
  if (measured.length === 0) return ''
  const kib = (bytes: number) => fixed(bytes / 1024)
  return [
    `Memory per idle keep-alive connection (${measured[0].perConnection!.connections} opened, one 1 KiB request answered on each, then left open; after a full collection):`,
    '',
    '| target | RSS per connection (KiB) | heap + external per connection (KiB) |',
    '| --- | ---: | ---: |',
    ...measured.map(({ name, perConnection }) => `| ${name} | ${kib(perConnection!.rss)} | ${kib(perConnection!.retained)} |`),
  ].join('\n')
}

export function streamingReport(direct: StreamTimes, gateway: StreamTimes, concurrency: number): string {
  const ms = (value: number) => fixed(value, 2)
  const row = (name: string, times: StreamTimes) =>
    `| ${name} | ${times.streams} | ${ms(times.ttfbMs.p50)} | ${ms(times.ttfbMs.p99)} | ${ms(times.totalMs.p50)} | ${ms(times.totalMs.p99)} |`
  return [
    `Streaming: prelude and first event at once, then ${STREAM.events} events of ${STREAM.eventBytes} B every ${STREAM.intervalMs} ms; ${concurrency} streams at a time.`,
    '',
    '| path | streams | first byte p50 ms | p99 ms | whole stream p50 ms | p99 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('InvokeWithResponseStream directly (signed)', direct),
    row('through lambda-gateway (response_streaming)', gateway),
    '',
    `Added by the gateway, median: first byte ${ms(gateway.ttfbMs.p50 - direct.ttfbMs.p50)} ms, whole stream ${ms(gateway.totalMs.p50 - direct.totalMs.p50)} ms`,
  ].join('\n')
}

const PROXY = { gateway: 'gateway-proxy', forwarder: 'node-http-proxy', floor: 'plain-upstream' }
/** The issue's goal: the gateway at least at this share of the forwarder's req/s. */
const GOAL = 0.7

/** The plain-proxy suite: its tables, the gateway's share of the forwarder's req/s and CPU per request against the goal, and memory per request in flight. */
export function proxyReport(results: TargetResult[]): string {
  const lines = [report(results, PROXY.gateway, PROXY.floor)]
  const gateway = results.find((target) => target.name === PROXY.gateway)
  const forwarder = results.find((target) => target.name === PROXY.forwarder)
  if (gateway && forwarder) {
    lines.push('', `| body | ${PROXY.gateway} share of ${PROXY.forwarder} req/s | by CPU µs/req | goal ≥ ${GOAL} |`, '| --- | ---: | ---: | --- |')
    for (const run of gateway.sizes) {
      const theirs = forwarder.sizes.find((size) => size.size === run.size)
      if (!theirs) continue
      const share = requestsRatio(run, theirs)
      lines.push(`| ${run.size} | ${fixed(share, 2)} | ${fixed(theirs.cpuUsPerRequest / run.cpuUsPerRequest, 2)} | ${share >= GOAL ? 'met' : 'missed'} |`)
    }
  }
  const measured = results.filter((target) => target.retainedKiB !== undefined)
  if (measured.length > 0) {
    lines.push(
      '',
      'Memory held per 1 MiB request in flight (1 MiB answers), after a full garbage collection, over idle:',
      '',
      '| target | KiB per request in flight |',
      '| --- | ---: |',
      ...measured.map((target) => `| ${target.name} | ${fixed(target.retainedKiB!, 0)} |`),
    )
  }
  return lines.join('\n')
}

/** The rate-limiting suite: each policy's route against the bare route of the same gateway. */
export function rateLimitReport(results: TargetResult[]): string {
  const bare = results.find((target) => target.name === 'rl-bare')
  const lines = [
    'Rate limiting: the same function behind a bare route and behind rate-limiting with each policy (a limit never reached).',
    '',
    '| route | body | req/s | share of bare | p50 ms | added p50 ms, 50 conn. | 1 connection: p50 ms | added ms |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const target of results) {
    for (const run of target.sizes) {
      const base = bare?.sizes.find((size) => size.size === run.size)
      lines.push(
        `| ${target.name} | ${run.size} | ${Math.round(run.requestsPerSecond)} | ${base ? fixed(requestsRatio(run, base), 2) : '–'} | ${run.p50Ms} | ${base ? run.p50Ms - base.p50Ms : '–'} | ${fixed(target.latency.p50Ms, 3)} | ${bare ? fixed(target.latency.p50Ms - bare.latency.p50Ms, 3) : '–'} |`,
      )
    }
  }
  return lines.join('\n')
}

/** The runtimes' targets beside the Node entry's, by the Node target they stand beside. */
const RUNTIMES: Record<string, { route: string; others: string[] }> = {
  'lambda-gateway': { route: 'Lambda proxy (aws-lambda, API Gateway 1.0)', others: ['deno-lambda-gateway', 'workerd-lambda-gateway'] },
  'gateway-proxy': { route: 'plain proxy (service, no plugin)', others: ['deno-gateway-proxy', 'workerd-gateway-proxy'] },
}

/** Node, Deno and workerd on the same route and upstream: req/s and CPU per request, and each one's to Node's. */
export function runtimesReport(results: TargetResult[]): string {
  const lines = [
    '| route | target | body | req/s | CPU µs/req | p50 ms | p99 ms | failed | req/s to Node | CPU to Node | 1 connection p50 ms |',
    '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const [nodeName, { route, others }] of Object.entries(RUNTIMES)) {
    const node = results.find((target) => target.name === nodeName)
    for (const target of results.filter((result) => result.name === nodeName || others.includes(result.name))) {
      for (const run of target.sizes) {
        const base = node?.sizes.find((size) => size.size === run.size)
        const toNode = (value: number, nodeValue: number | undefined) => (nodeValue === undefined ? '–' : fixed(value / nodeValue, 2))
        // Node's targets take the load in a suite of their own: their req/s are comparable only where every target had the machine to itself.
        const inTurn = run.loadedWith === 1 && base?.loadedWith === 1
        lines.push(
          `| ${route} | ${target.name} | ${run.size} | ${Math.round(run.requestsPerSecond)} | ${Math.round(run.cpuUsPerRequest)} | ${run.p50Ms} | ${run.p99Ms} | ${run.failures} | ${inTurn ? toNode(run.requestsPerSecond, base?.requestsPerSecond) : '–'} | ${toNode(run.cpuUsPerRequest, base?.cpuUsPerRequest)} | ${fixed(target.latency.p50Ms, 3)} |`,
        )
      }
    }
  }
  return lines.join('\n')
}
