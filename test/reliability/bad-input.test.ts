// Client garbage, sent byte for byte over a bare socket: invalid percent-encoding, malformed
// JSON, form and multipart bodies, repeated and oversized headers, bytes that are not UTF-8,
// broken framing. The answer is the function's (the garbage passed on as the event format
// says) or a 4xx, never a 500; nothing the HTTP layer refuses is invoked; the gateway serves on.

import { Buffer } from 'node:buffer'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/cli/start.ts'
import { captureLogs, hostRoutes, mockLambdaAt, startGateway, watchProcessErrors } from '../support/gateway-under-test.ts'
import { type MockLambda, startMockLambda } from '../support/mock-lambda.ts'
import { header, type RawAnswer, rawExchange, rawRequest } from '../support/raw-http.ts'

const logs = captureLogs()
const processErrors = watchProcessErrors()
let lambda: MockLambda
let gateway: RunningServer

beforeAll(async () => {
  lambda = await startMockLambda()
  const forwardAll = { forward_request_method: true, forward_request_uri: true, forward_request_headers: true, forward_request_body: true }
  const apiGateway = (version: string) => ({ awsgateway_compatible: true, awsgateway_compatible_payload_version: version })
  // kongLambdaTest answers with the event it was given: what the function saw is the answer.
  gateway = await startGateway(
    hostRoutes(
      { ...mockLambdaAt(lambda.port), function_name: 'kongLambdaTest' },
      {
        'legacy.test': {},
        'forward.test': forwardAll,
        'v1.test': apiGateway('1.0'),
        'v2.test': apiGateway('2.0'),
        'binary.test': { ...apiGateway('1.0'), function_name: 'functionBinaryEcho', is_proxy_integration: true },
      },
    ),
    { LOG_LEVEL: 'info' },
  )
})
afterAll(async () => {
  processErrors.stop()
  await gateway?.close()
  await lambda?.close()
})
let logsBefore = 0
beforeEach(() => {
  logsBefore = logs.length
})
afterEach(async () => {
  // Not even in the log: a 500 there would count as a server error, whatever the client got.
  const statuses = logs
    .slice(logsBefore)
    .filter((line) => line.includes('"msg":"request"'))
    .map((line) => JSON.parse(line).status)
  expect(statuses.filter((status) => status >= 500)).toEqual([])
  expect(logs.slice(logsBefore).filter((line) => line.includes('"level":"error"'))).toEqual([])
  expect((await rawExchange(gateway.url, rawRequest('GET /__health HTTP/1.1\r\nHost: any'))).status).toBe(200)
  expect(processErrors.errors).toEqual([])
})

const send = (head: string, body?: string | Buffer) => rawExchange(gateway.url, rawRequest(head, body))
const event = (answer: RawAnswer) => {
  expect(answer.status, answer.body.toString()).toBe(200)
  return JSON.parse(answer.body.toString('utf8'))
}

/** Sends `head` and expects the HTTP layer to refuse it with `status`, the function never invoked. */
async function expectRefused(status: number, head: string, body?: string | Buffer) {
  const before = lambda.invocations.length
  expect((await send(head, body)).status).toBe(status)
  expect(lambda.invocations.length).toBe(before)
}

describe('invalid percent-encoding', () => {
  const target = '/%zz/caf%C3%a9%2f%A/x?a=%zz&b=%E0%A4&c=%ff%fe&%=x&d=%C3%A9+%41'
  // Kong's rule: malformed escapes stay as they are, the others are decoded (in the path, all
  // but reserved characters, which are upper-cased).
  const path = '/%zz/café%2F%A/x'
  const args = { a: '%zz', b: '%E0%A4', c: '%ff%fe', '%': 'x', d: 'é A' }

  it('the default payload keeps the malformed escapes and decodes the rest', async () => {
    expect(event(await send(`GET ${target} HTTP/1.1\r\nHost: legacy.test`))).toEqual(args)
  })

  it('forward_request_uri sends the normalised path and the query as received, its arguments decoded the same way', async () => {
    const payload = event(await send(`GET ${target} HTTP/1.1\r\nHost: forward.test`))
    expect(payload.request_uri).toBe(path + target.slice(target.indexOf('?')))
    expect(payload.request_uri_args).toEqual(args)
  })

  it('API Gateway events carry the normalised path and the parameters decoded where they can be', async () => {
    const v1 = event(await send(`GET ${target} HTTP/1.1\r\nHost: v1.test`))
    expect(v1.path).toBe(path)
    expect(v1.queryStringParameters).toEqual(args)
    const v2 = event(await send(`GET ${target} HTTP/1.1\r\nHost: v2.test`))
    expect(v2.rawPath).toBe(path)
    expect(v2.rawQueryString).toBe(target.slice(target.indexOf('?') + 1))
    expect(v2.queryStringParameters).toEqual(args)
  })

  it('a path whose percent-encoded bytes are not UTF-8 (a cut sequence, an overlong `/`) matches no route, as in Kong 3', async () => {
    for (const bad of ['/%E0%A4%A/x', '/%C0%AF']) {
      const before = lambda.invocations.length
      const answer = await send(`GET ${bad} HTTP/1.1\r\nHost: legacy.test`)
      expect(answer.status).toBe(404)
      expect(JSON.parse(answer.body.toString())).toEqual({ message: 'no Route matched with those values', request_id: header(answer, 'x-request-id') })
      expect(lambda.invocations.length).toBe(before)
    }
  })
})

describe('malformed bodies', () => {
  const bodies: Array<[string, string]> = [
    ['application/json', '{"a":1,'],
    ['application/json', '{"a":"\xff\xc3"'],
    ['application/x-www-form-urlencoded', 'a=%zz&%ff=\xff&&=&b'],
    ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form'],
    ['multipart/form-data', 'no boundary at all'],
    ['multipart/form-data; boundary="', 'an unterminated parameter'],
  ]

  it.each(bodies)('%s %j: the default payload keeps the query arguments', async (type, body) => {
    const payload = event(await send(`POST /?q=1 HTTP/1.1\r\nHost: legacy.test\r\nContent-Type: ${type}`, body))
    expect(payload.q).toBe('1')
  })

  it.each(bodies)('%s %j: forward_request_body passes the body on as it came', async (type, body) => {
    const payload = event(await send(`POST / HTTP/1.1\r\nHost: forward.test\r\nContent-Type: ${type}`, body))
    expect(payload.request_body).toBe(new TextDecoder().decode(Buffer.from(body, 'latin1')))
  })

  it.each(bodies)('%s %j: API Gateway events carry the exact bytes, base64-encoded', async (type, body) => {
    for (const host of ['v1.test', 'v2.test']) {
      const payload = event(await send(`POST / HTTP/1.1\r\nHost: ${host}\r\nContent-Type: ${type}`, body))
      expect(payload.isBase64Encoded).toBe(true)
      expect(Buffer.from(payload.body, 'base64').equals(Buffer.from(body, 'latin1'))).toBe(true)
    }
  })
})

describe('headers', () => {
  const repeated = 'X-A: 1\r\nx-a: 2\r\nContent-Type: text/plain\r\nContent-Type: application/json\r\nCookie: a=1\r\nCookie: b=2'

  it('repeated headers: apart in 1.0 events (the last one in headers), joined with "," in 2.0, with ", " by fetch', async () => {
    const v1 = event(await send(`GET / HTTP/1.1\r\nHost: v1.test\r\n${repeated}`))
    expect(v1.multiValueHeaders).toMatchObject({ 'x-a': ['1', '2'], 'content-type': ['text/plain', 'application/json'], cookie: ['a=1', 'b=2'] })
    expect(v1.headers).toMatchObject({ 'x-a': '2', 'content-type': 'application/json' })
    const v2 = event(await send(`GET / HTTP/1.1\r\nHost: v2.test\r\n${repeated}`))
    expect(v2.headers).toMatchObject({ 'x-a': '1,2', 'content-type': 'text/plain,application/json' })
    expect(v2.cookies).toEqual(['a=1', 'b=2'])
    const forwarded = event(await send(`GET / HTTP/1.1\r\nHost: forward.test\r\n${repeated}`))
    expect(forwarded.request_headers).toMatchObject({ 'x-a': '1, 2', cookie: 'a=1; b=2' })
  })

  it('two Host headers route to neither host', async () => {
    const before = lambda.invocations.length
    expect((await send('GET / HTTP/1.1\r\nHost: legacy.test\r\nHost: v1.test')).status).toBe(404)
    expect(lambda.invocations.length).toBe(before)
  })

  it('a 15 KB header reaches the function intact; 20 KB, or 3000 small ones, are refused with 431', async () => {
    const big = 'b'.repeat(15_000)
    expect(event(await send(`GET / HTTP/1.1\r\nHost: v1.test\r\nX-Big: ${big}`)).headers['x-big']).toBe(big)
    await expectRefused(431, `GET / HTTP/1.1\r\nHost: v1.test\r\nX-Big: ${'b'.repeat(20_000)}`)
    await expectRefused(431, `GET / HTTP/1.1\r\nHost: v1.test\r\n${Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`).join('\r\n')}`)
  })

  it('an invalid header name or a NUL in a value is a 400', async () => {
    await expectRefused(400, 'GET / HTTP/1.1\r\nHost: v1.test\r\nX (bad): v')
    await expectRefused(400, 'GET / HTTP/1.1\r\nHost: v1.test\r\nX-Nul: a\x00b')
  })
})

describe('bytes that are not UTF-8', () => {
  it('in the request target or the Host: 400, nothing invoked', async () => {
    await expectRefused(400, 'GET /caf\xe9/\xff?q=\xe9\xff HTTP/1.1\r\nHost: v1.test')
    await expectRefused(400, 'GET / HTTP/1.1\r\nHost: caf\xe9.test')
  })

  it('in a header value: passed on as the Latin-1 text HTTP defines them to be', async () => {
    expect(event(await send('GET / HTTP/1.1\r\nHost: v1.test\r\nX-Latin: caf\xe9\xff')).headers['x-latin']).toBe('caf\u00e9\u00ff')
  })

  it('in a body: API Gateway events and proxy integration give back every byte', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x80, 0xc3, 0x28, 0xed, 0xa0, 0x80])
    const answer = await send('POST / HTTP/1.1\r\nHost: binary.test\r\nContent-Type: application/octet-stream', bytes)
    expect(answer.status).toBe(200)
    expect(answer.body.equals(bytes)).toBe(true)
  })

  it('in a JSON or multipart body: decoded with replacement characters, still a 200', async () => {
    expect(event(await send('POST / HTTP/1.1\r\nHost: legacy.test\r\nContent-Type: application/json', '{"a":"\xff\xc3"}'))).toEqual({ a: '\ufffd\ufffd' })
    const multipart = '--b\r\nContent-Disposition: form-data; name="f\xff"\r\n\r\nv\xfe\r\n--b--\r\n'
    expect(event(await send('POST / HTTP/1.1\r\nHost: legacy.test\r\nContent-Type: multipart/form-data; boundary=b', multipart))).toEqual({
      'f\ufffd': 'v\ufffd',
    })
  })
})

describe('broken framing', () => {
  it.each([
    ['conflicting Content-Length', 'POST / HTTP/1.1\r\nHost: legacy.test\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc'],
    [
      'Content-Length and Transfer-Encoding',
      'POST / HTTP/1.1\r\nHost: legacy.test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    ],
    ['a Content-Length that is no number', 'POST / HTTP/1.1\r\nHost: legacy.test\r\nContent-Length: abc\r\n\r\n'],
    ['an invalid chunk size', 'POST / HTTP/1.1\r\nHost: legacy.test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n'],
    ['an unknown method', 'BREW / HTTP/1.1\r\nHost: legacy.test\r\n\r\n'],
  ])('%s: 400, nothing invoked', async (_what, request) => {
    const before = lambda.invocations.length
    expect((await rawExchange(gateway.url, request)).status).toBe(400)
    expect(lambda.invocations.length).toBe(before)
  })
})
