// Where the CPU time of a request goes inside workerd: the Worker bundle served by workerd alone
// (workerd-direct.ts) under the bench's load (50 connections, 1 KiB POSTs), once without the
// inspector for workerd's CPU time per request (/proc: its threads, user + system), then with
// a V8 CPU profile taken through its inspector protocol. The profile samples the isolate's thread
// in wall time (a shared machine's waits count too) and slows it, so it gives the parts' shares
// of the thread's busy samples (`(idle)`: waiting for I/O, left out), not absolute times; the µs
// column applies each share to the unprofiled CPU per request. JavaScript is attributed to its
// source file through the bundle's source map, runtime calls (fetch, Headers, crypto.subtle) by
// name: the self time of each, not of what it calls.
// Usage: node scripts/bench/workerd-profile.ts [--routes lambda,proxy] [--seconds S] [--top N]

import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import { bundleWorker } from '../../test/support/workerd-gateways.ts'
import { gatewayConfig, PLAIN_PATH, PROXY_PATH, proxyConfig } from './bench-config.ts'
import { throughput } from './load.ts'
import { type RunningServer, startServer } from './servers.ts'

const { values } = parseArgs({
  options: { routes: { type: 'string', default: 'lambda,proxy' }, seconds: { type: 'string', default: '5' }, top: { type: 'string', default: '12' } },
})
const seconds = Number(values.seconds)
const CONNECTIONS = 50

interface Route {
  title: string
  upstream: string
  path: string
  config(upstream: string): Record<string, unknown>
}

const ROUTES: Record<string, Route> = {
  lambda: { title: 'Lambda proxy route (aws-lambda, API Gateway 1.0 event)', upstream: 'lambda-server.ts', path: PROXY_PATH, config: gatewayConfig },
  proxy: { title: 'plain proxy route (service, no plugin)', upstream: 'plain-upstream.ts', path: PLAIN_PATH, config: (url) => proxyConfig(url) },
}

interface ProfileNode {
  id: number
  children?: number[]
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const bundle = bundleWorker()
const sourceMap = new SourceMap(JSON.parse(readFileSync(`${bundle}.map`, 'utf8')))

/** A part of the gateway: the source file a function of the bundle comes from, the package for dependencies. */
function part({ functionName, url, lineNumber, columnNumber }: ProfileNode['callFrame']): string {
  if (functionName.startsWith('(')) return functionName
  if (!url.endsWith('worker.js')) return url === '' ? `runtime: ${functionName || '(anonymous)'}` : `runtime: ${url}`
  const source = (sourceMap.findEntry(lineNumber, columnNumber) as { originalSource?: string }).originalSource ?? 'worker.js'
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)
  return dependency ? dependency[1] : source.slice(source.lastIndexOf('src/'))
}

/** Self time per part, µs, busy samples only; a runtime function without a name is told by its caller. */
function selfTimes(profile: Profile): Map<string, number> {
  const parents = new Map(profile.nodes.flatMap((node) => (node.children ?? []).map((child) => [child, node.id] as const)))
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const named = (id: number | undefined): string => {
    const node = id === undefined ? undefined : nodes.get(id)
    if (node === undefined) return '(root)'
    const name = part(node.callFrame)
    return name === 'runtime: (anonymous)' ? named(parents.get(id!)) : name
  }
  const parts = new Map(
    profile.nodes.map((node) => {
      const name = part(node.callFrame)
      if (name !== 'runtime: (anonymous)') return [node.id, name]
      const caller = named(parents.get(node.id))
      return [node.id, caller === '(root)' ? 'runtime, unnamed, run by the event loop (promise and stream jobs)' : `runtime, unnamed, called from ${caller}`]
    }),
  )
  const times = new Map<string, number>()
  // A sample's time is the delta to the next one.
  profile.samples.forEach((id, i) => {
    const name = parts.get(id)!
    times.set(name, (times.get(name) ?? 0) + (profile.timeDeltas[i + 1] ?? 0))
  })
  times.delete('(idle)')
  times.delete('(root)')
  return times
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** A Chrome DevTools Protocol session on the isolate. */
async function inspector(address: string) {
  const targets = (await (await fetch(`http://${address}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl)
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  const waiting = new Map<number, (result: unknown) => void>()
  socket.on('message', (data) => {
    const { id, result } = JSON.parse(String(data)) as { id?: number; result?: unknown }
    if (id !== undefined) waiting.get(id)?.(result)
  })
  let next = 0
  return {
    send: <T>(method: string, params: object = {}) =>
      new Promise<T>((resolve) => {
        waiting.set(++next, resolve as (result: unknown) => void)
        socket.send(JSON.stringify({ id: next, method, params }))
      }),
    close: () => socket.close(),
  }
}

async function measure(route: Route): Promise<string> {
  const upstream = await startServer([join(import.meta.dirname, route.upstream)])
  const file = join(mkdtempSync(join(tmpdir(), 'lambda-gateway-bench-')), 'kong.json')
  writeFileSync(file, JSON.stringify(route.config(upstream.url)))
  const address = `127.0.0.1:${await freePort()}`
  let gateway: RunningServer | undefined
  try {
    gateway = await startServer([join(import.meta.dirname, 'workerd-direct.ts'), file, bundle], { ...process.env, WORKERD_INSPECT: address })
    const url = new URL(route.path, gateway.url).href
    const body = randomBytes(1024)
    await throughput(url, body, Math.min(3, seconds), CONNECTIONS)
    const before = gateway.usage()
    const run = await throughput(url, body, seconds, CONNECTIONS)
    const cpuUs = ((gateway.usage().cpuMs - before.cpuMs) * 1000) / run.requests
    const session = await inspector(address)
    await session.send('Profiler.enable')
    await session.send('Profiler.setSamplingInterval', { interval: 100 })
    await session.send('Profiler.start')
    await throughput(url, body, seconds, CONNECTIONS)
    const { profile } = await session.send<{ profile: Profile }>('Profiler.stop')
    session.close()
    const times = [...selfTimes(profile)].sort((a, b) => b[1] - a[1])
    const busy = times.reduce((sum, [, time]) => sum + time, 0)
    const share = (time: number) => time / busy
    const top = times.slice(0, Number(values.top))
    const rest = times.slice(top.length).reduce((sum, [, time]) => sum + time, 0)
    return [
      `${route.title}: workerd ${Math.round(run.requestsPerSecond)} req/s, **${Math.round(cpuUs)} µs of CPU per request** (${run.failures} failed); the isolate's busy samples:`,
      '',
      '| part | share | ≈ µs/req |',
      '| --- | ---: | ---: |',
      ...[...top, ['(everything else)', rest] as [string, number]].map(
        ([name, time]) => `| ${name} | ${(share(time) * 100).toFixed(1)}% | ${Math.round(share(time) * cpuUs)} |`,
      ),
    ].join('\n')
  } finally {
    await gateway?.stop()
    await upstream.stop()
  }
}

for (const name of values.routes.split(',')) {
  const route = ROUTES[name]
  if (route === undefined) throw new Error(`unknown route ${name} (${Object.keys(ROUTES).join(', ')})`)
  console.log(`${await measure(route)}\n`)
}
