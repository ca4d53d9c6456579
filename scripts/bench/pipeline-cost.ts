// The gateway's own CPU per request, with the network taken out: the load test's request (POST
// /bench/items?page=1, 1 KiB body) as @hono/node-server hands it to the Node entry, through the
// gateway's handle() on the bench's aws-lambda route (API Gateway 1.0 event, proxy
// integration, signed with node:crypto), with a transport that answers the bench upstream's
// Invoke result at once, as the Node transport hands an answer over (its header lines kept,
// its body held as bytes); the answer's head and held body read as the Node writer reads them,
// and the request's log line made (not written). No socket, HTTP parser or other process takes
// part, so this is the part of the load test's CPU per request that the gateway's code decides.
// The same route behind key-auth, and behind jwt with an HS256 and an RS256 token, is measured
// beside it: what authentication adds per request.
//
// Every variant runs in alternating rounds (a garbage collection before each), so that all see
// the same machine load. With `--baseline MODULE`, the aws-lambda route of a second tree is one
// more variant: MODULE exports `modules` (GatewayModules) from that tree's files, with an
// `invokeAnswer` as that tree's Node transport answers (without one, the answer is a plain
// Response, read back through its stream: give one for a fair comparison). Ratios are the
// median of the per-round ratios, which drifting load on a shared machine hardly moves.
//
// Usage: node --expose-gc scripts/bench/pipeline-cost.ts [--rounds N] [--requests N] [--baseline MODULE]

import type { IncomingMessage, ServerResponse } from 'node:http'
import { parseArgs } from 'node:util'
import { getRequestListener } from '@hono/node-server'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { createGateway } from '../../src/gateway.ts'
import { headerLines } from '../../src/http/header-lines.ts'
import { heldBody, responseOf } from '../../src/http/held-body.ts'
import { lineHeaders } from '../../src/http/line-headers.ts'
import { createLogger } from '../../src/log.ts'
import { createGatewayMetrics, type GatewayMetrics } from '../../src/metrics/gateway-metrics.ts'
import { buildGatewayConfig } from '../../src/model/declarative.ts'
import { bufferBase64 } from '../../src/runtime/node/base64.ts'
import { nodeSigningCrypto } from '../../src/runtime/node/signing-crypto.ts'
import { AUTH, authHeaders, gatewayConfig, PROXY_PATH, prometheusConfig } from './bench-config.ts'
import { median } from './load.ts'

/** What the harness takes from a tree: the same functions in every version of the gateway since the Node entry existed. */
export interface GatewayModules {
  createGateway: typeof createGateway
  buildGatewayConfig: typeof buildGatewayConfig
  createLogger: typeof createLogger
  heldBody: typeof heldBody
  signingCrypto: typeof nodeSigningCrypto
  encodeBase64: typeof bufferBase64
  /** The bench upstream's Invoke answer as that tree's Node transport hands it over (absent: a plain Response). */
  invokeAnswer?: () => Response
}

const THIS_TREE: GatewayModules = {
  createGateway,
  buildGatewayConfig,
  createLogger,
  heldBody,
  signingCrypto: nodeSigningCrypto,
  encodeBase64: bufferBase64,
  invokeAnswer: () => responseOf(new Uint8Array(RESULT), { status: 200, headers: lineHeaders(Object.entries(RESULT_HEADERS).flat()) }),
}

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '30' },
    requests: { type: 'string', default: '2000' },
    baseline: { type: 'string' },
  },
})
const rounds = Number(values.rounds)
const requestsPerRound = Number(values.requests)
/** Requests in flight at a time, as the load test's connections. */
const CONCURRENCY = 50

const UPSTREAM = 'http://127.0.0.1:9001'
const BODY = Buffer.alloc(1024, 120)
/** The bench upstream's answer (lambda-server.ts), with the headers Node's transport would pass on. */
const RESULT = Buffer.from(JSON.stringify({ statusCode: 200, body: 'ok' }))
const RESULT_HEADERS = {
  'content-type': 'application/json',
  'x-amz-executed-version': '$LATEST',
  date: new Date().toUTCString(),
  connection: 'keep-alive',
  'keep-alive': 'timeout=60',
  'content-length': String(RESULT.byteLength),
}
/** autocannon's request head, as Node parses it. */
const RAW_HEADERS = [
  'host',
  'localhost:8000',
  'user-agent',
  'autocannon',
  'content-type',
  'application/octet-stream',
  'content-length',
  String(BODY.byteLength),
]

/** The answer a server writes: every header (as answer-writer.ts reads them) and the held body. */
interface Answered {
  status: number
  bytes: number
}

type Serve = (incoming: IncomingMessage, outgoing: ServerResponse) => Promise<Answered>

/** One tree's gateway on the bench's route, behind @hono/node-server's request listener as the Node entry has it (`metrics`: STATUS_LISTEN's). */
function gatewayOf(modules: GatewayModules, document: unknown, metrics?: GatewayMetrics): Serve {
  const config = modules.buildGatewayConfig(document, {})
  const gateway = modules.createGateway({
    config,
    env: {},
    log: modules.createLogger('info', () => {}),
    transport: () => async (_url, init) => {
      // What sending costs the transport is not the gateway's: the payload is only checked to be there.
      if (typeof init.body !== 'string') throw new Error('no payload')
      return modules.invokeAnswer?.() ?? new Response(RESULT, { status: 200, headers: RESULT_HEADERS })
    },
    signingCrypto: modules.signingCrypto,
    encodeBase64: modules.encodeBase64,
    // The body as the Node entry's reader gives it, without a socket to read it from.
    readBody: async () => BODY,
    clientInfo: nodeClientInfo,
    ...(metrics ? { metrics } : {}),
  })
  let answered: Answered = { status: 0, bytes: 0 }
  const listener = getRequestListener(async (request, runtime) => {
    const exchange = await gateway.handle(request, runtime)
    const { response } = exchange
    // As answer-writer.ts reads them: the lines the answer keeps, else the Headers' entries.
    const head: string[] = []
    for (const [name, value] of headerLines(response.headers) ?? response.headers) head.push(name, value)
    exchange.sent(response.status)
    const body = modules.heldBody(response)
    answered = { status: response.status, bytes: body === undefined ? -1 : body.length }
    return RESPONSE_ALREADY_SENT
  })
  return async (incoming, outgoing) => {
    await listener(incoming, outgoing)
    return answered
  }
}

/** What the Node entry reads of the client (src/node.ts): the peer, the protocol, the header lines and target as received. */
function nodeClientInfo(_request: Request, runtime: unknown) {
  const incoming = (runtime as { incoming: IncomingMessage }).incoming
  const lines: Array<[string, string]> = []
  const raw = incoming.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) lines.push([raw[i].toLowerCase(), raw[i + 1]])
  return {
    sourceIp: incoming.socket.remoteAddress ?? null,
    protocol: `HTTP/${incoming.httpVersion}`,
    scheme: 'http' as const,
    raw: { headerLines: lines, target: incoming.url! },
  }
}

/** A request to `path` as Node's server gives it, its body already read. */
function incomingRequest(path: string, rawHeaders: readonly string[]): IncomingMessage {
  const headers: Record<string, string> = {}
  for (let i = 0; i < rawHeaders.length; i += 2) headers[rawHeaders[i]] = rawHeaders[i + 1]
  return {
    method: 'POST',
    url: path,
    httpVersion: '1.1',
    headers,
    rawHeaders,
    socket: { remoteAddress: '127.0.0.1', encrypted: false },
    complete: true,
    readableEnded: true,
    on() {},
  } as unknown as IncomingMessage
}

const OUTGOING = { on() {}, once() {}, writableFinished: true } as unknown as ServerResponse

/** CPU µs (user + system, every thread) per request over `count` requests, CONCURRENCY at a time. */
async function cpuPerRequest({ serve, path, rawHeaders }: Variant, count: number): Promise<number> {
  ;(globalThis as { gc?: () => void }).gc?.()
  const started = process.cpuUsage()
  for (let sent = 0; sent < count; sent += CONCURRENCY) {
    const batch: Array<Promise<Answered>> = []
    for (let i = 0; i < CONCURRENCY && sent + i < count; i++) batch.push(serve(incomingRequest(path, rawHeaders), OUTGOING))
    for (const { status, bytes } of await Promise.all(batch)) if (status !== 200 || bytes !== 2) throw new Error(`unexpected answer: ${status}, ${bytes} bytes`)
  }
  const now = process.cpuUsage()
  return (now.user - started.user + now.system - started.system) / count
}

const quartiles = (numbers: readonly number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b)
  return [median(sorted.slice(0, Math.floor(sorted.length / 2))), median(sorted.slice(Math.ceil(sorted.length / 2)))]
}

interface Variant {
  name: string
  serve: Serve
  path: string
  rawHeaders: readonly string[]
  samples: number[]
}

const ownGateway = gatewayOf(THIS_TREE, gatewayConfig(UPSTREAM, { auth: await AUTH.publicKeyPem() }))
const variant = (name: string, route: string, headers: Record<string, string> = {}, serve = ownGateway): Variant => ({
  name,
  serve,
  path: PROXY_PATH.replace('/bench', route),
  rawHeaders: [...RAW_HEADERS, ...Object.entries(headers).flat()],
  samples: [],
})
const bare = variant('aws-lambda only', '/bench')
const variants: Variant[] = [
  bare,
  variant('key-auth, then aws-lambda', '/bench-key-auth', authHeaders.keyAuth),
  variant('jwt (HS256), then aws-lambda', '/bench-jwt-hs256', await authHeaders.jwtHs256()),
  variant('jwt (RS256), then aws-lambda', '/bench-jwt-rs256', await authHeaders.jwtRs256()),
  variant('prometheus (every switch on), aws-lambda', '/bench', {}, gatewayOf(THIS_TREE, prometheusConfig(UPSTREAM), createGatewayMetrics())),
]
let baseline: Variant | undefined
if (values.baseline) {
  const { modules } = (await import(new URL(values.baseline, `file://${process.cwd()}/`).href)) as { modules: GatewayModules }
  baseline = variant(`aws-lambda only, baseline (${values.baseline})`, '/bench', {}, gatewayOf(modules, gatewayConfig(UPSTREAM)))
  variants.unshift(baseline)
}
// Warm-up: each variant's code compiled and optimised before anything counts.
for (const each of variants) await cpuPerRequest(each, 5 * requestsPerRound)
for (let round = 0; round < rounds; round++) {
  // Alternating the order, so that no variant always follows another's garbage.
  const order = round % 2 === 0 ? variants : [...variants].reverse()
  for (const each of order) each.samples.push(await cpuPerRequest(each, requestsPerRound))
}

/** The median and quartiles of `variant`'s per-round ratio to `base`. */
const ratio = (each: Variant, base: Variant) => {
  const ratios = each.samples.map((sample, round) => sample / base.samples[round])
  const [q1, q3] = quartiles(ratios)
  return `${median(ratios).toFixed(3)} (${q1.toFixed(3)}–${q3.toFixed(3)})`
}
console.log(
  `| the gateway's own work per request (in-process, ${rounds} rounds of ${requestsPerRound}) | CPU µs/req, median | quartiles | per round, to aws-lambda only |`,
)
console.log('| --- | ---: | --- | --- |')
for (const each of variants) {
  const [q1, q3] = quartiles(each.samples)
  const to = each === bare ? '' : each === baseline ? `this tree: ${ratio(bare, each)}` : ratio(each, bare)
  console.log(`| ${each.name} | ${median(each.samples).toFixed(1)} | ${q1.toFixed(1)}–${q3.toFixed(1)} | ${to} |`)
}
console.log()
