// What the Node and Deno gateways must show on their status listener after the same requests
// (test/support/metrics-config.ts): Kong's prometheus spec cases that apply — names, labels and
// values as Kong's for the same requests — and this gateway's Lambda series. The assertions come
// from the runner, so that vitest and Deno run the same checks.

import type { ClientRequest } from '../e2e/harness.ts'
import { ALICE_KEY } from './metrics-config.ts'
import { readScrape, type Scrape } from './prometheus-scrape.ts'

export interface MetricsAsserts {
  equal(actual: unknown, expected: unknown, what?: string): void
  ok(condition: unknown, what: string): void
}

export type Send = (baseUrl: string, request: ClientRequest) => Promise<Response>

export interface Listeners {
  url: string
  statusUrl: string
}

/** Kong's labels of a route's request count. */
const requests = (service: string, route: string, code: number, source: 'service' | 'kong', consumer = '') => ({
  service,
  route,
  code: String(code),
  source,
  workspace: 'default',
  consumer,
})

/** Kong's labels of the target health gauge, one per state. */
const health = (upstream: string, target: string, state: string) => ({ upstream, target, address: target, state, subsystem: 'http' })

export async function expectKongMetrics(t: MetricsAsserts, send: Send, { url, statusUrl }: Listeners, ports: { echo: number; closed: number }): Promise<void> {
  const status = async (path: string, headers: Record<string, string> = {}) => (await send(url, { path, headers })).status
  t.equal(await status('/status/200', { 'x-test-status': '200' }), 200, 'proxied 200')
  t.equal(await status('/status/400', { 'x-test-status': '400' }), 400, 'proxied 400')
  t.equal(await status('/serverless'), 200, 'request-termination')
  t.equal(await status('/private', { apikey: ALICE_KEY }), 200, "alice's request")
  t.equal(await status('/private'), 401, 'no key')
  t.equal(await status('/unnamed'), 200, 'a route of an unnamed service')
  t.equal(await status('/health-route'), 503, 'the only target refuses connections: unhealthy at once, then no target to try')
  t.equal(await status('/granular'), 418, "the route's own instance")
  t.equal(await status('/lambda-ok'), 200, 'Lambda')
  await status('/lambda-function-error')
  t.equal(await status('/lambda-api-error'), 500, 'Invoke API error')
  t.equal(await status('/lambda-timeout'), 500, 'Invoke timed out')
  t.equal(await status('/lambda-env'), 200, "the environment's keys")
  t.equal(await status('/lambda-no-sts'), 500, 'no credentials')
  const sent = 14

  // The log phase runs once the answer's head is written: wait until the last request counts (Kong's spec waits too).
  const scrape = await scrapeUntil(t, send, statusUrl, (s) => s.value('kong_http_requests_total', requests('', 'lambda-no-sts', 500, 'kong')) === 1)
  const count = (labels: ReturnType<typeof requests>) => scrape.value('kong_http_requests_total', labels)

  // 02-access_spec: "increments the count for proxied requests".
  t.equal(count(requests('mock-service', 'http-route', 200, 'service')), 1, 'proxied 200 counted')
  t.equal(count(requests('mock-service', 'http-route', 400, 'service')), 1, 'proxied 400 counted')
  // 05-metrics_spec: "expose metrics in no service route".
  t.equal(count(requests('', 'serverless', 200, 'kong')), 1, 'a route without a service: service "" and source kong')
  // 02-access_spec per-consumer: "increments the count for proxied requests" and "behave correctly if consumer is not found".
  t.equal(count(requests('', 'private', 200, 'kong', 'alice')), 1, "alice's request carries her username")
  t.equal(count(requests('', 'private', 401, 'kong')), 1, 'a request without a consumer: consumer ""')
  t.equal(
    count(requests('mock-upstream-healthy', '5c8a3f6e-9d2b-4c71-8e4f-0a1b2c3d4e5f', 200, 'service')),
    1,
    'an unnamed service is its host, an unnamed route its id',
  )
  t.equal(count(requests('health-service', 'health-route', 503, 'kong')), 1, "the gateway's own 503 is source kong")
  // A Lambda route's answer is the aws-lambda plugin's (Kong's kong.response.exit): source kong.
  t.equal(count(requests('', 'lambda-ok', 200, 'kong')), 1, 'Lambda answer counted')

  // Latencies: request and kong for every request, upstream where there was an upstream call (the Invoke call on Lambda routes).
  const histogram = (name: string, route: string, service = '') => scrape.value(`${name}_count`, { service, route, workspace: 'default' })
  t.equal(histogram('kong_request_latency_ms', 'http-route', 'mock-service'), 2, 'request latency of the proxied route')
  t.equal(histogram('kong_upstream_latency_ms', 'http-route', 'mock-service'), 2, 'upstream latency of the proxied route')
  t.equal(histogram('kong_kong_latency_ms', 'http-route', 'mock-service'), 2, 'kong latency of the proxied route')
  t.equal(histogram('kong_upstream_latency_ms', 'lambda-ok'), 1, 'upstream latency of a Lambda route: the Invoke call')
  t.equal(histogram('kong_upstream_latency_ms', 'serverless'), undefined, 'no upstream latency without an upstream call')
  t.equal(histogram('kong_kong_latency_ms', 'serverless'), 1, 'kong latency without an upstream call')
  const infBucket = scrape.value('kong_request_latency_ms_bucket', { service: 'mock-service', route: 'http-route', workspace: 'default', le: '+Inf' })
  t.equal(infBucket, 2, 'le="+Inf" bucket')
  t.ok(scrape.value('kong_kong_latency_ms_bucket', { service: '', route: 'lambda-ok', workspace: 'default', le: '6000' }) === 1, "Kong's kong latency buckets")
  t.ok(scrape.value('kong_upstream_latency_ms_bucket', { service: '', route: 'lambda-ok', workspace: 'default', le: '60000' }) === 1, "Kong's upstream buckets")

  // Bandwidth: both directions, with the consumer.
  const bytes = (route: string, direction: string, service = '', consumer = '') =>
    scrape.value('kong_bandwidth_bytes', { service, route, direction, workspace: 'default', consumer }) ?? 0
  t.ok(bytes('http-route', 'ingress', 'mock-service') > 0, 'ingress bytes')
  t.ok(bytes('http-route', 'egress', 'mock-service') > 0, 'egress bytes')
  t.ok(bytes('private', 'egress', '', 'alice') > 0, "alice's egress bytes")

  // 02-access_spec "granular metrics switch": the route's own instance counts status codes only.
  t.equal(count(requests('', 'granular', 418, 'kong')), 1, 'status codes counted')
  t.equal(scrape.matching('kong_request_latency_ms_count', { route: 'granular' }).length, 0, 'no latency with latency_metrics off')
  t.equal(scrape.matching('kong_bandwidth_bytes', { route: 'granular' }).length, 0, 'no bandwidth with bandwidth_metrics off')

  // 04-status_api_spec: target health, one series per state, 1 for the state the target is in.
  const echo = `127.0.0.1:${ports.echo}`
  const closed = `127.0.0.1:${ports.closed}`
  for (const [upstream, target, state] of [
    ['mock-upstream-healthchecksoff', echo, 'healthchecks_off'],
    ['mock-upstream', closed, 'unhealthy'],
    ['mock-upstream-healthy', echo, 'healthy'],
  ]) {
    for (const each of ['healthchecks_off', 'healthy', 'unhealthy', 'dns_error']) {
      t.equal(scrape.value('kong_upstream_target_health', health(upstream, target, each)), each === state ? 1 : 0, `${upstream} ${each}`)
    }
  }

  // This gateway's Lambda series: invocations by function and outcome, credential refreshes.
  const invocations = (route: string, fn: string, outcome: string, code: string) =>
    scrape.value('lambda_gateway_invocations_total', { route, function: fn, outcome, status: code })
  t.equal(invocations('lambda-ok', 'kongLambdaTest', 'ok', '200'), 1, 'ok')
  t.equal(invocations('private', 'kongLambdaTest', 'ok', '200'), 1, "alice's invocation (the 401 invoked nothing)")
  t.equal(invocations('lambda-function-error', 'functionWithUnhandledError', 'function_error', '200'), 1, 'function error')
  t.equal(invocations('lambda-api-error', 'apiError429', 'api_error', '429'), 1, 'API error by status')
  t.equal(invocations('lambda-timeout', 'functionHang', 'timeout', '200'), undefined, 'a timeout has no status')
  t.equal(invocations('lambda-timeout', 'functionHang', 'timeout', ''), 1, 'timeout')
  t.equal(invocations('lambda-no-sts', 'kongLambdaTest', 'error', ''), 1, 'no credentials: error')
  const refreshes = (credentials: string, outcome: string) => scrape.value('lambda_gateway_credential_refreshes_total', { credentials, outcome })
  t.equal(refreshes('default chain', 'ok'), 1, "the environment's keys: one refresh")
  t.ok((refreshes('assumed role arn:aws:iam::123456789012:role/metrics', 'failed') ?? 0) >= 1, 'the role: failed refresh')

  // Every family typed as Kong's.
  for (const [name, type] of Object.entries({
    kong_http_requests_total: 'counter',
    kong_bandwidth_bytes: 'counter',
    kong_kong_latency_ms: 'histogram',
    kong_upstream_latency_ms: 'histogram',
    kong_request_latency_ms: 'histogram',
    kong_upstream_target_health: 'gauge',
    lambda_gateway_invocations_total: 'counter',
    lambda_gateway_credential_refreshes_total: 'counter',
  })) {
    t.equal(scrape.types.get(name), type, `${name} is a ${type}`)
  }

  // The status listener's other answers, and the proxy port that never serves the metrics.
  const statusAnswer = await send(statusUrl, { path: '/status' })
  t.equal(statusAnswer.status, 200, '/status')
  t.equal(await statusAnswer.json(), { database: { reachable: true }, server: { total_requests: sent } }, '/status counts the proxied requests')
  t.equal((await send(statusUrl, { path: '/nothing' })).status, 404, 'another path')
  t.equal((await send(statusUrl, { path: '/metrics', method: 'POST', body: 'x' })).status, 405, 'POST /metrics')
  t.equal((await send(url, { path: '/metrics' })).status, 404, 'the proxy port never serves the metrics: /metrics is a path like any other')
}

/** Scrapes until `ready` holds (the last request's log phase has run), at most a few seconds; the last scrape is returned either way. */
async function scrapeUntil(t: MetricsAsserts, send: Send, statusUrl: string, ready: (scrape: Scrape) => boolean): Promise<Scrape> {
  let scrape: Scrape | undefined
  for (let attempt = 0; attempt < 100; attempt++) {
    const answer = await send(statusUrl, { path: '/metrics' })
    t.equal(answer.status, 200, 'GET /metrics')
    t.ok(answer.headers.get('content-type')?.startsWith('text/plain; version=0.0.4'), "Prometheus' text format")
    const text = await answer.text()
    // 02-access_spec: "scrape response has metrics and comments only".
    for (const line of text.split('\n').filter((line) => line !== '')) t.ok(/^(# |kong_|lambda_gateway_)/.test(line), `a metric or comment: ${line}`)
    scrape = readScrape(text)
    if (ready(scrape)) return scrape
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return scrape!
}
