// node-http-event-forward: the unsigned forwarder the CPU goals compare against. A bare
// node:http server (no Hono, no fetch Request or Response) that builds the same API Gateway 1.0
// event the gateway's bench route sends, field for field, posts it to the Invoke URL with the
// gateway's Invoke headers but no signature, and answers the proxy-integration result. It does
// less than the gateway around that: no deadline on the call, no check of the result or of a
// function error, no log line.
// Usage: node scripts/bench/event-forward.ts LAMBDA_URL

import { randomUUID } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { INVOKE_PATH } from './bench-config.ts'
import { announce } from './listening.ts'

const agent = new http.Agent({ keepAlive: true })
/** The headers the gateway's Invoke request carries, less the signature's. */
const INVOKE_HEADERS = { 'x-amz-invocation-type': 'RequestResponse', 'x-amz-log-type': 'Tail', 'accept-encoding': 'identity' }
const invokeUrl = new URL(INVOKE_PATH, process.argv[2])
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const two = (n: number) => String(n).padStart(2, '0')

/** API Gateway's `requestTime`: `04/Dec/2026:11:48:05 +0000`, made once a second (as the gateway makes it). */
let second = -1
let secondText = ''
function requestTime(ms: number): string {
  if (Math.floor(ms / 1000) === second) return secondText
  const date = new Date(ms)
  second = Math.floor(ms / 1000)
  const day = `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}`
  secondText = `${day}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`
  return secondText
}

/** Adds `value` to the list of `name` (a name a client chose, `constructor` included). */
function addTo(map: Record<string, string[]>, name: string, value: string): void {
  if (Object.hasOwn(map, name)) map[name].push(value)
  else map[name] = [value]
}

function event(request: http.IncomingMessage, body: Buffer): string {
  const url = new URL(request.url ?? '/', 'http://localhost')
  const headers: Record<string, string> = {}
  const multiValueHeaders: Record<string, string[]> = {}
  const lines = request.rawHeaders
  for (let i = 0; i < lines.length; i += 2) {
    const name = lines[i].toLowerCase()
    headers[name] = lines[i + 1] // the last value, as AWS
    addTo(multiValueHeaders, name, lines[i + 1])
  }
  const query: Record<string, string> = {}
  const multiValueQuery: Record<string, string[]> = {}
  for (const [key, value] of url.searchParams) {
    query[key] = value
    addTo(multiValueQuery, key, value)
  }
  const hasQuery = url.search !== ''
  const host = (headers.host ?? '').replace(/:\d+$/, '')
  const requestId = randomUUID()
  const now = Date.now()
  const userAgent = headers['user-agent'] ?? null
  return JSON.stringify({
    version: '1.0',
    resource: '/bench',
    path: url.pathname,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'event-forward',
      domainName: host,
      domainPrefix: host.split('.')[0],
      extendedRequestId: requestId,
      httpMethod: request.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: request.socket.remoteAddress ?? null,
        user: null,
        userAgent,
        userArn: null,
      },
      path: url.pathname,
      protocol: `HTTP/${request.httpVersion}`,
      requestId,
      requestTime: requestTime(now),
      requestTimeEpoch: now,
      resourceId: null,
      resourcePath: '/bench',
      stage: '$default',
    },
    body: body.byteLength === 0 ? null : body.toString('base64'),
    isBase64Encoded: body.byteLength > 0,
  })
}

interface ProxyResult {
  statusCode?: number
  headers?: Record<string, string>
  body?: string
  isBase64Encoded?: boolean
}

function invoke(payload: string, answer: (result: ProxyResult) => void, fail: () => void): void {
  const outgoing = http.request(
    invokeUrl,
    { method: 'POST', agent, headers: { ...INVOKE_HEADERS, 'content-length': Buffer.byteLength(payload) } },
    (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.once('end', () => {
        let result: ProxyResult
        try {
          result = JSON.parse(Buffer.concat(chunks).toString()) as ProxyResult
        } catch {
          return fail()
        }
        answer(result)
      })
      incoming.once('error', fail)
    },
  )
  outgoing.once('error', fail)
  outgoing.end(payload)
}

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = []
  request.on('data', (chunk: Buffer) => chunks.push(chunk))
  request.once('end', () =>
    invoke(
      event(request, Buffer.concat(chunks)),
      (result) => {
        const body = Buffer.from(result.body ?? '', result.isBase64Encoded ? 'base64' : 'utf8')
        response.writeHead(result.statusCode ?? 200, { ...result.headers, 'content-length': body.byteLength }).end(body)
      },
      () => response.writeHead(502).end(),
    ),
  )
})
server.listen(0, '127.0.0.1', () => announce((server.address() as AddressInfo).port))
