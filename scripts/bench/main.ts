// `npm run bench [-- --duration S] [--warmup S] [--rounds N] [--connections N] [--targets a,b]
//   [--together] [--sizes 1k,64k,1m] [--no-micro] [--memory-runs N] [--no-streaming] [--no-workerd-profile]`:
// the per-request cost of building and signing an Invoke request, of matching a route and of
// the gateway's whole pipeline in-process (pipeline-cost.ts), then each suite's targets under
// load in rounds, in turn or together (rounds.ts): the Lambda suite against the same local
// Lambda server, the plain-proxy suite against the same plain HTTP upstream; the gateway's RSS
// over consecutive runs; where workerd's CPU goes, when a workerd target ran; the streaming case.
// Markdown on stdout.
// BENCH_DURATION sets the default duration (seconds per target and body size; 10).

import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpus, freemem, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { PLAIN_PATH } from './bench-config.ts'
import { nodeThroughput, sequentialLatency, throughput } from './load.ts'
import { memoryOverRuns, memoryPerConnection, retainedPerRequest } from './memory.ts'
import { connectionReport, memoryReport, proxyReport, rateLimitReport, report, runtimesReport, streamingReport, type TargetResult } from './report.ts'
import { inRounds } from './rounds.ts'
import type { RunningServer } from './servers.ts'
import { directCalls, gatewayCalls, streamTimes } from './streaming.ts'
import { startUpstreams, TARGETS, type Target } from './targets.ts'

const SIZES: Record<string, number> = { '1k': 1024, '64k': 64 * 1024, '1m': 1024 * 1024 }
const SIZE_LABELS: Record<string, string> = { '1k': '1 KiB', '64k': '64 KiB', '1m': '1 MiB' }
/**
 * Seconds a request may wait before it counts as failed: autocannon's 10 s, and 30 s for 1 MiB,
 * where 50 connections queue behind ~15-25 ms of CPU each on a shared 2-core machine.
 */
const TIMEOUTS: Record<string, number> = { '1k': 10, '64k': 10, '1m': 30 }
const GATEWAY = 'lambda-gateway'
/** Idle keep-alive connections opened to measure what one holds. */
const IDLE_CONNECTIONS = 1000
/** The workerd targets, and the route workerd-profile.ts profiles for each. */
const WORKERD_PROFILES: Record<string, string> = { 'workerd-lambda-gateway': 'lambda', 'workerd-gateway-proxy': 'proxy' }

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '10' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string' },
    together: { type: 'boolean', default: false },
    targets: { type: 'string', default: TARGETS.map((target) => target.name).join(',') },
    sizes: { type: 'string', default: Object.keys(SIZES).join(',') },
    micro: { type: 'boolean', default: true },
    'memory-runs': { type: 'string', default: '5' },
    streaming: { type: 'boolean', default: true },
    'workerd-profile': { type: 'boolean', default: true },
  },
  allowNegative: true,
})
const duration = Number(values.duration)
// Long enough for a process to reach its steady state: node:http and the gateway alike answer
// 40-45% more per second after 10-15 s of load than in their first 3 s (the JIT's later tiers,
// the young generation growing to its working size), the smaller program sooner.
const warmup = Number(values.warmup ?? Math.min(15, duration * 1.5))
const connections = Number(values.connections)
/** Rounds of 2 s or more where the duration allows (each a new set of connections), at most 5. */
const rounds = Number(values.rounds ?? Math.max(1, Math.min(5, Math.floor(duration / 2))))
if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds must be a whole number of at least 1, not ${values.rounds}`)
const sizes = values.sizes.split(',')
const memoryRuns = Number(values['memory-runs'])
const targets = values.targets.split(',').map((name) => TARGETS.find((target) => target.name === name) ?? fail(`unknown target ${name}`))
for (const size of sizes) if (!(size in SIZES)) fail(`unknown size ${size} (${Object.keys(SIZES).join(', ')})`)

/** autocannon, except for the plain upstream's answers over 1 KiB (as large as the bodies), which node:http reads (load.ts says why). */
function loadFor(target: Target, size: string): typeof throughput {
  return target.path === PLAIN_PATH && SIZES[size] > SIZES['1k'] ? nodeThroughput : throughput
}

function fail(message: string): never {
  console.error(`bench: ${message}`)
  process.exit(2)
}

const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1)
console.log(
  `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model}), ${gib(totalmem())} GiB RAM (${gib(freemem())} free), load average ${loadavg()
    .map((n) => n.toFixed(2))
    .join(' ')}`,
)
const how = values.together ? 'all of a suite at the same time' : "a suite's targets in turn"
console.log(
  `${duration} s per target and body size in ${rounds} rounds (${how}; ratios: the median of the rounds'), after ${warmup} s of warm-up, ${connections} connections each, keep-alive\n`,
)

if (values.micro) {
  for (const script of ['sign-cost.ts', 'router-match.ts']) execFileSync(process.execPath, [join(import.meta.dirname, script)], { stdio: 'inherit' })
  execFileSync(process.execPath, ['--expose-gc', join(import.meta.dirname, 'pipeline-cost.ts'), '--rounds', '20'], { stdio: 'inherit' })
}

const upstreams = await startUpstreams()
const results: TargetResult[] = []
const sections: string[] = []
try {
  for (const suite of new Set(targets.map((target) => target.suite))) {
    const members = targets.filter((target) => target.suite === suite)
    const running: Array<{ target: Target; server: RunningServer; url: string; result: TargetResult }> = []
    try {
      for (const target of members) {
        const server = await target.start(upstreams)
        const result: TargetResult = { name: target.name, suite, sizes: [], latency: { p50Ms: NaN, p99Ms: NaN }, peakMiB: NaN }
        running.push({ target, server, url: new URL(target.path, server.url).href, result })
      }
      const gateway = running.find(({ target }) => target.name === GATEWAY)
      if (gateway && memoryRuns > 0) {
        const seconds = Math.min(5, duration)
        sections.push(memoryReport(await memoryOverRuns(gateway.server, gateway.url, randomBytes(SIZES['1k']), memoryRuns, seconds, connections), seconds))
      }
      for (const size of sizes) {
        const body = randomBytes(SIZES[size])
        const turns = running.map(({ target, server, url }) => ({
          server,
          load: (seconds: number) => loadFor(target, size)(url, body, seconds, connections, TIMEOUTS[size]),
        }))
        for (const { load } of turns) if (warmup > 0) await load(warmup)
        const rssBefore = running.map(({ server }) => server.usage().rssMiB)
        const runs = await inRounds(turns, duration, rounds, values.together)
        running.forEach(({ server, result }, i) => {
          result.sizes.push({ size: SIZE_LABELS[size], ...runs[i], rssBefore: rssBefore[i], rssAfter: server.usage().rssMiB })
          console.error(`${result.name} ${SIZE_LABELS[size]}: ${Math.round(runs[i].requestsPerSecond)} req/s`)
        })
      }
      for (const { server, url, result } of running) {
        result.latency = await sequentialLatency(url, randomBytes(SIZES['1k']), Math.min(5, duration))
        if (suite === 'lambda' && memoryRuns > 0) result.perConnection = await memoryPerConnection(server, url, randomBytes(SIZES['1k']), IDLE_CONNECTIONS)
        result.peakMiB = server.usage().peakMiB
        if (suite === 'plain-proxy' && server !== upstreams.plain && memoryRuns > 0) {
          result.retainedKiB = (await retainedPerRequest(server, url, randomBytes(SIZES['1m']), Math.min(5, duration), connections)) / 1024
        }
        results.push(result)
      }
    } finally {
      for (const { server } of running) if (server !== upstreams.lambda && server !== upstreams.plain) await server.stop()
    }
  }
  // Where workerd's time goes on the routes its targets ran (workerd-profile.ts).
  const profiled = Object.entries(WORKERD_PROFILES).filter(([name]) => targets.some((target) => target.name === name))
  if (values['workerd-profile'] && profiled.length > 0) {
    const args = ['--routes', profiled.map(([, route]) => route).join(','), '--seconds', String(Math.min(5, duration))]
    execFileSync(process.execPath, [join(import.meta.dirname, 'workerd-profile.ts'), ...args], { stdio: 'inherit' })
  }
  if (values.streaming) {
    const gateway = await TARGETS.find((target) => target.name === GATEWAY)!.start(upstreams)
    try {
      const concurrency = 10
      await streamTimes(gatewayCalls(gateway.url), Math.min(2, warmup), concurrency)
      const direct = await streamTimes(directCalls(upstreams.lambda.url), duration, concurrency)
      const through = await streamTimes(gatewayCalls(gateway.url), duration, concurrency)
      sections.push(streamingReport(direct, through, concurrency))
    } finally {
      await gateway.stop()
    }
  }
} finally {
  await Promise.all([upstreams.lambda.stop(), upstreams.plain.stop()])
}
const lambdaSuite = results.filter((target) => target.suite === 'lambda')
const plainSuite = results.filter((target) => target.suite === 'plain-proxy')
const workerdSuite = results.filter((target) => target.suite === 'workerd')
const rateLimitSuite = results.filter((target) => target.suite === 'rate-limit')
const runtimesSuite = results.filter((target) => target.suite === 'runtimes')
console.log(
  [
    ...(lambdaSuite.length > 0 ? [report(lambdaSuite, GATEWAY, 'floor'), connectionReport(lambdaSuite)].filter(Boolean) : []),
    ...sections,
    ...(plainSuite.length > 0 ? [proxyReport(plainSuite)] : []),
    ...(workerdSuite.length > 0 ? [report(workerdSuite, 'workerd-cluster', 'workerd-bare')] : []),
    ...(rateLimitSuite.length > 0 ? [rateLimitReport(rateLimitSuite)] : []),
    ...(runtimesSuite.length > 0 ? [runtimesReport(results)] : []),
  ].join('\n\n'),
)
if (results.some((target) => target.sizes.some((run) => run.failures > 0))) fail('some requests failed: the numbers above do not count')
