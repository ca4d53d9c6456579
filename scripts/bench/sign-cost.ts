// The CPU cost per request of what the gateway does before sending: building the API Gateway
// 1.0 event of a 1 KiB request and signing the Invoke request, with the project's own code
// (with the Node entry's node:crypto, and with the portable WebCrypto default, on Node and in
// workerd, where the Worker signs). CPU µs per operation, one operation at a time.
// Usage: node scripts/bench/sign-cost.ts [SECONDS per measurement, default 2]

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fromStatic } from '../../src/credentials/static.ts'
import { webSigningCrypto } from '../../src/encoding/signing-crypto.ts'
import { createLogger } from '../../src/log.ts'
import { invokeTarget, signInvoke } from '../../src/plugins/aws-lambda/invoke.ts'
import type { LambdaRequest } from '../../src/plugins/aws-lambda/lambda-request.ts'
import { payloadFormatFor } from '../../src/plugins/aws-lambda/payload/index.ts'
import { newRequestId } from '../../src/request-id.ts'
import { bufferBase64 } from '../../src/runtime/node/base64.ts'
import { nodeSigningCrypto } from '../../src/runtime/node/signing-crypto.ts'
import { bundleWorker } from '../../test/support/workerd-gateways.ts'
import { CREDENTIALS, REGION } from './bench-config.ts'
import { benchRoute } from './bench-route.ts'
import { startServer } from './servers.ts'

const seconds = Number(process.argv[2] ?? 2)
const { route, config } = benchRoute()
const payload = payloadFormatFor(config, { ...route, encodeBase64: bufferBase64 })
const credentials = fromStatic(CREDENTIALS.accessKeyId, CREDENTIALS.secretAccessKey)
const target = invokeTarget(config, REGION, credentials, nodeSigningCrypto)
const portableTarget = invokeTarget(config, REGION, credentials, webSigningCrypto)
const body = new Uint8Array(1024).fill(120)
const url = new URL('http://127.0.0.1:8000/bench/items?page=1')
const headers = new Headers({ host: url.host, 'user-agent': 'autocannon', 'content-type': 'application/octet-stream', 'content-length': '1024' })

function request(): LambdaRequest {
  const id = newRequestId()
  return {
    method: 'POST',
    url,
    headers,
    body,
    bodyTooLarge: false,
    match: { requestPath: url.pathname, path: url.pathname, captures: {}, matchedPath: '/bench' },
    upstreamPath: url.pathname,
    client: { sourceIp: '127.0.0.1', protocol: 'HTTP/1.1', scheme: 'http' },
    receivedAt: Date.now(),
    requestId: id,
    gatewayRequestId: id,
    log: createLogger('error', () => {}),
    timing: {},
  }
}

/**
 * CPU µs per call of `operation` (the process's user + system time, WebCrypto's thread pool
 * included; on a shared machine much steadier than wall time), after a warm-up of a quarter of the time.
 */
async function microseconds(operation: () => Promise<unknown>): Promise<number> {
  for (const end = performance.now() + seconds * 250; performance.now() < end; ) await operation()
  let count = 0
  const started = process.cpuUsage()
  for (const end = performance.now() + seconds * 1000; performance.now() < end; count++) await operation()
  const { user, system } = process.cpuUsage(started)
  return (user + system) / count
}

/**
 * workerd's CPU µs per signature of `event` inside the isolate (sign-worker.ts, in workerd alone),
 * from its process's CPU time over requests that each sign many times.
 */
async function insideWorkerd(event: string): Promise<number> {
  const config = join(mkdtempSync(join(tmpdir(), 'lambda-gateway-bench-')), 'kong.json')
  writeFileSync(config, '{}')
  const workerd = await startServer([join(import.meta.dirname, 'workerd-direct.ts'), config, bundleWorker(join(import.meta.dirname, 'sign-worker.ts'))])
  try {
    const sign = async (n: number) => (await fetch(`${workerd.url}/?n=${n}`, { method: 'POST', body: event })).text()
    const perRequest = 2000
    for (const end = performance.now() + seconds * 250; performance.now() < end; ) await sign(perRequest)
    let count = 0
    const before = workerd.usage().cpuMs
    for (const end = performance.now() + seconds * 1000; performance.now() < end; count += perRequest) await sign(perRequest)
    return ((workerd.usage().cpuMs - before) * 1000) / count
  } finally {
    await workerd.stop()
  }
}

const event = await payload.build(request())
const rows: Array<[string, number]> = [
  ['build the event (API Gateway 1.0, 1 KiB body, Node entry)', await microseconds(() => payload.build(request()))],
  ['sign the Invoke request (node:crypto, the Node entry)', await microseconds(() => signInvoke(target, event))],
  ['sign the Invoke request (WebCrypto, the portable default)', await microseconds(() => signInvoke(portableTarget, event))],
  ['sign the Invoke request (WebCrypto, inside workerd)', await insideWorkerd(event)],
  ['build + sign (Node entry)', await microseconds(async () => signInvoke(target, await payload.build(request())))],
]
console.log('| per request, one at a time | CPU µs/op |\n| --- | ---: |')
for (const [name, us] of rows) console.log(`| ${name} | ${us.toFixed(1)} |`)
console.log()
