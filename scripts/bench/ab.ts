// An interleaved A/B of two gateway trees on this machine: both gateways (and the references
// asked for) run at once in front of one upstream, and take the load in turn, round after
// round, or all at the same time with `--together` (the steadier on a shared machine: what
// else runs on it then slows all of them alike). Per run: req/s and the process's CPU µs per
// answered request (from /proc), and the user-mode part of it. Prints each round, the medians
// and the median of the per-round B/A ratios.
//
//   npx node scripts/bench/ab.ts --base /tmp/old-tree [--suite lambda|plain] [--rounds 6] [--seconds 4] [--warmup 10]
//     [--together] [--connections 50] [--refs sdk-proxy,node-http-forward,node-http-event-forward,node-http-proxy] [--rate REQ_PER_S]
// A tree is a checkout with its node_modules (`git archive main | tar -x -C DIR`, node_modules
// linked); `--base` is A, this tree is B. Without `--base`, B and the references alone.

import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { gatewayConfig, PLAIN_PATH, PROXY_PATH, proxyConfig } from './bench-config.ts'
import { throughput } from './load.ts'
import { type RunningServer, startServer } from './servers.ts'
import { configFile } from './targets.ts'

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    suite: { type: 'string', default: 'lambda' },
    rounds: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '4' },
    refs: { type: 'string', default: '' },
    connections: { type: 'string', default: '50' },
    // A fixed load, the same for every target, instead of as fast as each answers.
    rate: { type: 'string' },
    // Every target under load at the same time (each its own connections): the machine's load falls on all at once.
    together: { type: 'boolean', default: false },
  },
})
const plain = values.suite === 'plain'
const seconds = Number(values.seconds)
const here = join(import.meta.dirname, '../..')
const upstream = await startServer([join(import.meta.dirname, plain ? 'plain-upstream.ts' : 'lambda-server.ts')])
const config = configFile(plain ? proxyConfig(upstream.url) : gatewayConfig(upstream.url))
const gateway = (tree: string) => startServer([join(tree, 'src/node.ts'), '--config', config, '--port', '0', '--host', '127.0.0.1'], { PATH: process.env.PATH })
const REFS: Record<string, () => Promise<RunningServer>> = {
  'sdk-proxy': () => startServer([join(import.meta.dirname, 'sdk-proxy.ts'), upstream.url]),
  'node-http-forward': () => startServer([join(import.meta.dirname, 'http-forward.ts'), upstream.url]),
  'node-http-event-forward': () => startServer([join(import.meta.dirname, 'event-forward.ts'), upstream.url]),
  'node-http-proxy': () => startServer([join(import.meta.dirname, 'http-forward.ts'), '--pipe', upstream.url]),
}
const targets: Array<[string, RunningServer]> = []
if (values.base) targets.push(['A (base)', await gateway(values.base)])
targets.push(['B (this)', await gateway(here)])
for (const name of values.refs ? values.refs.split(',') : []) targets.push([name, await REFS[name]()])

const path = plain ? PLAIN_PATH : PROXY_PATH
const body = Buffer.alloc(1024, 'a')
const results = new Map<string, { rps: number[]; cpu: number[]; user: number[] }>(targets.map(([name]) => [name, { rps: [], cpu: [], user: [] }]))
// A warm-up for each (to its steady state: BENCHMARKS.md, "Where the goals stand, at the steady state"), then the rounds.
for (const [, server] of targets) await throughput(server.url + path, body, Number(values.warmup), Number(values.connections))
async function measure(name: string, server: RunningServer): Promise<string> {
  const before = server.usage()
  const run = await throughput(server.url + path, body, seconds, Number(values.connections), 10, values.rate === undefined ? undefined : Number(values.rate))
  const after = server.usage()
  const cpuUs = ((after.cpuMs - before.cpuMs) * 1000) / run.requests
  const userUs = ((after.userMs - before.userMs) * 1000) / run.requests
  const r = results.get(name)!
  r.rps.push(run.requestsPerSecond)
  r.cpu.push(cpuUs)
  r.user.push(userUs)
  return `${name}: ${Math.round(run.requestsPerSecond)} req/s ${cpuUs.toFixed(0)} µs (user ${userUs.toFixed(0)})${run.failures ? ` FAILED ${run.failures}` : ''}`
}
for (let round = 0; round < Number(values.rounds); round++) {
  // Alternate the order too: a target is not always the one after the same other.
  const order = round % 2 === 0 ? targets : [...targets].reverse()
  const line: string[] = []
  if (values.together) line.push(...(await Promise.all(order.map(([name, server]) => measure(name, server)))))
  else for (const [name, server] of order) line.push(await measure(name, server))
  console.log(`round ${round + 1}: ${line.join(' | ')}`)
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
for (const [name, r] of results) {
  console.log(`${name}: median ${Math.round(median(r.rps))} req/s, ${median(r.cpu).toFixed(0)} CPU µs/req, ${median(r.user).toFixed(0)} of it user`)
}
if (values.base) {
  const a = results.get('A (base)')!
  const b = results.get('B (this)')!
  const ratios = (of: (r: typeof a) => number[]) => of(a).map((x, i) => of(b)[i] / x)
  for (const [label, of] of [
    ['CPU', (r: typeof a) => r.cpu],
    ['user CPU', (r: typeof a) => r.user],
    ['req/s', (r: typeof a) => r.rps],
  ] as const) {
    const each = ratios(of)
    console.log(`B/A ${label} per round: ${each.map((x) => x.toFixed(2)).join(' ')}; median ${median(each).toFixed(3)}`)
  }
}
for (const [, server] of [...targets, ['', upstream] as const]) await server.stop()
