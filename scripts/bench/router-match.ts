// The router's cost per request with 10,000 routes: CPU µs per match (one at a time, after a
// warm-up) for a few route sets and requests, the CPU time to build the router and the heap it
// keeps (after a full garbage collection, beside the routes themselves).
// Usage: node scripts/bench/router-match.ts [SECONDS per measurement, default 1]

import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { createRouter, type RoutableRoute, type RoutedRequest } from '../../src/router/router.ts'

const seconds = Number(process.argv[2] ?? 1)
// `gc` without --expose-gc on the command line: npm run bench starts this script plainly.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const COUNT = 10_000

const route = (fields: Partial<RoutableRoute>): RoutableRoute => ({
  paths: [],
  methods: [],
  headers: {},
  snis: [],
  stripPath: true,
  regexPriority: 0,
  ...fields,
})
const request = (method: string, host: string, path: string, headers: Record<string, string> = {}): RoutedRequest => ({
  method,
  host,
  path,
  scheme: 'http',
  header: (name) => (headers[name] === undefined ? [] : [headers[name]]),
})

/** One API host, 10,000 paths: a fifth of them regexes, some with methods or a header. */
function oneHost(): RoutableRoute[] {
  return Array.from({ length: COUNT }, (_, i) =>
    route({
      name: `r${i}`,
      hosts: ['api.example.com'],
      paths: [i % 5 === 0 ? `~/v1/things-${i}/(?<id>\\d+)$` : `/v1/things-${i}`],
      ...(i % 7 === 0 ? { methods: ['GET', 'POST'] } : {}),
      ...(i % 50 === 0 ? { headers: { 'x-tenant': [`t${i}`] } } : {}),
    }),
  )
}

/** 10,000 hosts with a few routes each, wildcard hosts and catch-alls among them. */
function manyHosts(): RoutableRoute[] {
  return Array.from({ length: COUNT }, (_, i) => {
    const host = i % 100 === 0 ? `*.tenant-${i}.example.com` : `svc-${Math.floor(i / 4)}.example.com`
    return route({ name: `r${i}`, hosts: [host], paths: [['/', '/api', '/api/v2', '~/items/\\d+'][i % 4]] })
  })
}

/**
 * What a real file of 10,000 routes holds: 400 services of 25 routes each, on an exact host,
 * a wildcard host (either end) or none; prefix paths, regexes with a literal start, regexes
 * whose first segment is a variable (a tenant) and case-insensitive ones; methods on two
 * thirds, a header on some, regex_priority on a few, a catch-all `/` per service with a host.
 */
function mixed(): RoutableRoute[] {
  return Array.from({ length: COUNT }, (_, i) => {
    const s = Math.floor(i / 25)
    const r = i % 25
    const hosts = [[`api-${s}.example.com`], [`api-${s}.example.com`], [`*.s${s}.example.com`], [`s${s}.example.*`], undefined][s % 5]
    const paths = [
      [`/v1/svc-${s}/res-${r}`],
      [`/v1/svc-${s}/res-${r}`, `/v2/svc-${s}/res-${r}`],
      [`~/v1/svc-${s}/res-${r}/(?<id>\\d+)$`],
      [`~/(?<tenant>[a-z0-9-]+)/svc-${s}/res-${r}/orders/(?<id>\\d+)$`],
      [`~(?i)/svc-${s}/Reports-${r}/\\d{4}-\\d{2}$`],
    ][r % 5]
    return route({
      name: `r${i}`,
      ...(hosts ? { hosts } : {}),
      paths: r === 24 && hosts ? ['/'] : paths,
      methods: [['GET'], ['POST', 'PUT'], []][i % 3],
      ...(i % 20 === 0 ? { headers: { 'x-version': ['v2'] } } : i % 97 === 0 ? { headers: { 'x-canary': ['~*^(true|1)$'] } } : {}),
      regexPriority: i % 11 === 0 ? 1 : 0,
    })
  })
}

/** One host and path for 1,000 tenants told apart by a header, beside 9,000 other paths. */
function tenantsByHeader(): RoutableRoute[] {
  return Array.from({ length: COUNT }, (_, i) =>
    route({ name: `r${i}`, hosts: ['api.example.com'], ...(i < 1000 ? { paths: ['/api'], headers: { 'x-tenant': [`t${i}`] } } : { paths: [`/p${i}`] }) }),
  )
}

/** No hosts at all: 10,000 prefixes and regexes that only the path tells apart. */
function pathsOnly(): RoutableRoute[] {
  return Array.from({ length: COUNT }, (_, i) => route({ name: `r${i}`, paths: [i % 3 === 0 ? `~/p${i}/[a-z]+$` : `/p${i}/x`] }))
}

/** CPU time, which other processes on a shared machine change much less than wall time. */
const cpuMicroseconds = () => {
  const { user, system } = process.cpuUsage()
  return user + system
}

function microseconds(operation: () => unknown): number {
  for (const end = performance.now() + seconds * 250; performance.now() < end; ) operation()
  let count = 0
  const started = cpuMicroseconds()
  for (const end = performance.now() + seconds * 1000; performance.now() < end; count++) operation()
  return (cpuMicroseconds() - started) / count
}

function heapMiB(): number {
  gc()
  return process.memoryUsage().heapUsed / 2 ** 20
}

const sets: Array<[string, () => RoutableRoute[], Array<[string, RoutedRequest]>]> = [
  [
    'one host, 10,000 paths',
    oneHost,
    [
      ['prefix hit', request('GET', 'api.example.com:443', '/v1/things-9999/x')],
      ['regex hit with a capture', request('GET', 'api.example.com:443', '/v1/things-5005/42')],
      ['header route hit', request('GET', 'api.example.com:443', '/v1/things-4950/7', { 'x-tenant': 't4950' })],
      ['miss (404)', request('GET', 'api.example.com:443', '/v2/nothing')],
    ],
  ],
  [
    '10,000 hosts',
    manyHosts,
    [
      ['exact host, prefix', request('GET', 'svc-1234.example.com:443', '/api/v2/users')],
      ['wildcard host', request('GET', 'a.tenant-9900.example.com:443', '/')],
      ['miss (404)', request('GET', 'unknown.example.org:443', '/api')],
    ],
  ],
  [
    'mixed, as real files',
    mixed,
    [
      ['exact host, prefix', request('GET', 'api-395.example.com:443', '/v1/svc-395/res-15/x')],
      ['exact host, regex', request('GET', 'api-395.example.com:443', '/v1/svc-395/res-2/42')],
      ['wildcard host, tenant regex', request('POST', 'a.s397.example.com:443', '/acme/svc-397/res-3/orders/7')],
      ['no host, tenant regex', request('GET', 'x.example.net:443', '/acme/svc-399/res-8/orders/7')],
      ['no host, case-insensitive regex', request('GET', 'x.example.net:443', '/SVC-399/reports-9/2024-05')],
      ['exact host, catch-all', request('DELETE', 'api-395.example.com:443', '/nothing/here')],
      ['miss (404), exact host', request('DELETE', 'api-396.example.com:443', '/v1/svc-396/res-1')],
      ['miss (404), no host', request('GET', 'x.example.net:443', '/acme/svc-399/res-8/orders/x')],
    ],
  ],
  [
    'tenants by header',
    tenantsByHeader,
    [
      ['last tenant', request('GET', 'api.example.com:443', '/api/x', { 'x-tenant': 'T999' })],
      ['miss (404), unknown tenant', request('GET', 'api.example.com:443', '/api/x', { 'x-tenant': 't1000' })],
    ],
  ],
  [
    'paths only',
    pathsOnly,
    [
      ['prefix hit', request('GET', 'h:80', '/p9998/x/y')],
      ['regex hit', request('GET', 'h:80', '/p9999/abc')],
      ['miss (404)', request('GET', 'h:80', '/q/x')],
    ],
  ],
]

console.log(`| ${COUNT.toLocaleString('en')} routes | build (CPU ms) | heap (MiB) | request | CPU µs/match |\n| --- | ---: | ---: | --- | ---: |`)
for (const [name, make, requests] of sets) {
  const routes = make()
  const heapBefore = heapMiB()
  const started = cpuMicroseconds()
  const router = createRouter(routes)
  const build = (cpuMicroseconds() - started) / 1000
  const heap = heapMiB() - heapBefore
  for (const [label, req] of requests) {
    const found = router(req)
    if ((found === undefined) !== label.startsWith('miss')) throw new Error(`${name}, ${label}: unexpected ${found ? found.route.name : 'miss'}`)
    console.log(`| ${name} | ${build.toFixed(0)} | ${heap.toFixed(1)} | ${label} | ${microseconds(() => router(req)).toFixed(2)} |`)
  }
}
