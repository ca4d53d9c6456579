// Turning an Invoke result into the client response: without proxy integration
// (docs/aws-lambda-plugin.md#without-proxy-integration) and as an API Gateway proxy response
// (docs/aws-lambda-plugin.md#proxy-integration).

import { describe, expect, it } from 'vitest'
import { headerLines } from '../../../src/http/header-lines.ts'
import { heldBody } from '../../../src/http/held-body.ts'
import { lineHeaders } from '../../../src/http/line-headers.ts'
import { createLogger } from '../../../src/log.ts'
import { buildGatewayConfig } from '../../../src/model/declarative.ts'
import { UNKNOWN_CLIENT } from '../../../src/pipeline/request.ts'
import type { InvokeResult } from '../../../src/plugins/aws-lambda/invoke.ts'
import type { LambdaRequest } from '../../../src/plugins/aws-lambda/lambda-request.ts'
import { forwardedHeaders, VIA } from '../../../src/plugins/aws-lambda/response/headers.ts'
import { plainResponse } from '../../../src/plugins/aws-lambda/response/plain.ts'
import { BadProxyResponse, proxyIntegrationResponse } from '../../../src/plugins/aws-lambda/response/proxy-integration.ts'
import { ResponseMappingError } from '../../../src/plugins/aws-lambda/response/response.ts'
import type { AwsLambdaConfig } from '../../../src/plugins/aws-lambda/schema.ts'

const encoder = new TextEncoder()

/** The plugin's defaults, as the config loader fills them in, plus `fields`. */
function config(fields: Partial<AwsLambdaConfig> = {}): AwsLambdaConfig {
  const { plugins } = buildGatewayConfig(
    {
      _format_version: '3.0',
      routes: [{ paths: ['/'], plugins: [{ name: 'aws-lambda', config: { function_name: 'my-function' } }] }],
    },
    {},
  )
  return { ...(plugins[0].config as AwsLambdaConfig), ...fields }
}

function request(lines: string[] = []): LambdaRequest {
  return {
    method: 'GET',
    url: new URL('http://gateway.test/fn'),
    headers: new Headers(),
    body: null,
    bodyTooLarge: false,
    match: { requestPath: '/fn', path: '/fn', captures: {}, matchedPath: '/fn' },
    upstreamPath: '/fn',
    client: UNKNOWN_CLIENT,
    receivedAt: 0,
    requestId: 'req-123',
    timing: {},
    gatewayRequestId: '0123456789abcdef0123456789abcdef',
    log: createLogger('debug', (line) => lines.push(line)),
  }
}

function result(body: string | Uint8Array<ArrayBuffer>, headers: HeadersInit = {}, status = 200): InvokeResult {
  const bytes = typeof body === 'string' ? encoder.encode(body) : body
  const invokeHeaders = new Headers(headers)
  if (!invokeHeaders.has('content-type')) invokeHeaders.set('Content-Type', 'application/json')
  if (!invokeHeaders.has('content-length')) invokeHeaders.set('Content-Length', String(bytes.byteLength))
  return { status, headers: invokeHeaders, body: bytes }
}

async function bodyBytes(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer())
}

function proxy(value: unknown, headers: HeadersInit = {}, lines: string[] = []): Response {
  return proxyIntegrationResponse(result(JSON.stringify(value), headers), request(lines), '1.0')
}

function proxyError(value: unknown): string {
  try {
    proxy(value)
  } catch (error) {
    expect(error).toBeInstanceOf(BadProxyResponse)
    return (error as Error).message
  }
  throw new Error('expected a BadProxyResponse')
}

describe('plainResponse headers', () => {
  it('removes hop-by-hop headers and recomputes Content-Length', async () => {
    const invoke = result('{"a":1}', {
      Connection: 'keep-alive',
      'Keep-Alive': 'timeout=5',
      'Proxy-Connection': 'keep-alive',
      Upgrade: 'h2c',
      'Transfer-Encoding': 'chunked',
      TE: 'trailers',
      Trailer: 'X-Checksum',
      'Content-Length': '9999',
      'X-Amzn-RequestId': 'abc-123',
      'X-Amz-Executed-Version': '$LATEST',
    })
    const response = plainResponse(invoke, config(), request())
    for (const name of ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'transfer-encoding', 'te', 'trailer']) {
      expect(response.headers.has(name), name).toBe(false)
    }
    expect(response.headers.get('content-length')).toBe('7')
    expect(response.headers.get('x-amzn-requestid')).toBe('abc-123')
    expect(response.headers.get('x-amz-executed-version')).toBe('$LATEST')
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.text()).toBe('{"a":1}')
  })

  it('never forwards X-Amz-Log-Result but logs it decoded at debug level', () => {
    const tail = 'START RequestId: 1 Version: $LATEST\nsecret log line\nEND RequestId: 1\n'
    const lines: string[] = []
    const response = plainResponse(result('{}', { 'X-Amz-Log-Result': btoa(tail) }), config(), request(lines))
    expect(response.headers.has('x-amz-log-result')).toBe(false)
    expect([...response.headers.values()].join('\n')).not.toContain(btoa(tail))
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => 'log_tail' in line)
    expect(logged).toHaveLength(1)
    expect(logged[0].level).toBe('debug')
    expect(logged[0].log_tail).toBe(tail)
    expect(logged[0].request_id).toBe('req-123')
  })

  it('does not log the tail above debug level', () => {
    const lines: string[] = []
    const quiet = { ...request(), log: createLogger('info', (line) => lines.push(line)) }
    const response = plainResponse(result('{}', { 'X-Amz-Log-Result': btoa('tail') }), config(), quiet)
    expect(response.headers.has('x-amz-log-result')).toBe(false)
    expect(lines).toEqual([])
  })
})

describe('plainResponse status', () => {
  it('uses unhandled_status only for X-Amz-Function-Error: Unhandled', () => {
    const unhandled = result('{"errorMessage":"boom"}', { 'X-Amz-Function-Error': 'Unhandled' })
    expect(plainResponse(unhandled, config({ unhandled_status: 502 }), request()).status).toBe(502)
    expect(plainResponse(unhandled, config(), request()).status).toBe(200)
    const handled = result('{"errorMessage":"boom"}', { 'X-Amz-Function-Error': 'Handled' })
    expect(plainResponse(handled, config({ unhandled_status: 502 }), request()).status).toBe(200)
    expect(plainResponse(result('{}'), config({ unhandled_status: 502 }), request()).status).toBe(200)
    const event = result('', { 'x-amz-function-error': 'Unhandled' }, 202)
    expect(plainResponse(event, config({ unhandled_status: 418 }), request()).status).toBe(418)
  })

  it('keeps the function error header visible', () => {
    const unhandled = result('{"errorMessage":"boom"}', { 'X-Amz-Function-Error': 'Unhandled' })
    expect(plainResponse(unhandled, config(), request()).headers.get('x-amz-function-error')).toBe('Unhandled')
  })

  it('throws for a status outside 200-599', () => {
    const unhandled = result('{}', { 'X-Amz-Function-Error': 'Unhandled' })
    expect(() => plainResponse(unhandled, config({ unhandled_status: 600 }), request())).toThrow(ResponseMappingError)
    expect(() => plainResponse(unhandled, config({ unhandled_status: 999 }), request())).toThrow(ResponseMappingError)
    expect(() => plainResponse(unhandled, config({ unhandled_status: 199 }), request())).toThrow(ResponseMappingError)
    expect(plainResponse(unhandled, config({ unhandled_status: 599 }), request()).status).toBe(599)
    expect(plainResponse(unhandled, config({ unhandled_status: 200 }), request()).status).toBe(200)
  })

  it('answers Event with an empty body and DryRun without a body', async () => {
    const event = plainResponse(result('', {}, 202), config(), request())
    expect(event.status).toBe(202)
    expect(event.headers.get('content-length')).toBe('0')
    expect(await event.text()).toBe('')
    const dryRun = plainResponse(result('', {}, 204), config(), request())
    expect(dryRun.status).toBe(204)
    expect(dryRun.body).toBeNull()
    expect(dryRun.headers.has('content-length')).toBe(false)
  })
})

describe('plainResponse body', () => {
  it('turns nested empty arrays into {} in legacy mode', async () => {
    const body = '{"a":[],"b":{"c":[ ],"d":[1,[],{"e":[]}]},"f":"x"}'
    const response = plainResponse(result(body), config({ empty_arrays_mode: 'legacy' }), request())
    const text = await response.text()
    expect(JSON.parse(text)).toEqual({ a: {}, b: { c: {}, d: [1, {}, { e: {} }] }, f: 'x' })
    expect(response.headers.get('content-length')).toBe(String(encoder.encode(text).byteLength))
    const top = plainResponse(result('[]'), config({ empty_arrays_mode: 'legacy' }), request())
    expect(await top.text()).toBe('{}')
  })

  it('applies to every application/*json type', async () => {
    const response = plainResponse(result('{"a":[]}', { 'Content-Type': 'application/vnd.api+json; charset=utf-8' }), config(), request())
    expect(await response.text()).toBe('{"a":{}}')
  })

  it('keeps empty arrays in correct mode, byte for byte', async () => {
    const body = '{ "testbody": [], "n": 12345678901234567890 }'
    const response = plainResponse(result(body), config({ empty_arrays_mode: 'correct' }), request())
    expect(await response.text()).toBe(body)
  })

  it('leaves non-JSON content types byte-identical', async () => {
    const body = '{"a": [], "big": 12345678901234567890}'
    const response = plainResponse(result(body, { 'Content-Type': 'text/plain' }), config(), request())
    expect(await response.text()).toBe(body)
    expect(response.headers.get('content-type')).toBe('text/plain')
    const binary = new Uint8Array([0, 255, 254, 10, 91, 93])
    const raw = plainResponse(result(binary, { 'Content-Type': 'application/octet-stream' }), config(), request())
    expect(await bodyBytes(raw)).toEqual(binary)
    expect(raw.headers.get('content-length')).toBe('6')
  })

  it('leaves JSON bodies without empty arrays byte-identical', async () => {
    for (const body of ['{"big": 12345678901234567890, "url": "http://x/y", "list": [1, 2]}', '{\n  "nested": { "x": [ 1 ] }\n}\n', '12345678901234567890']) {
      const response = plainResponse(result(body), config({ empty_arrays_mode: 'legacy' }), request())
      expect(await response.text()).toBe(body)
    }
  })

  it('leaves a JSON body byte-identical when "[]" only appears inside a string', async () => {
    const body = '{"big": 12345678901234567890, "pattern": "[]"}'
    const response = plainResponse(result(body), config({ empty_arrays_mode: 'legacy' }), request())
    expect(await response.text()).toBe(body)
  })

  it('sends a JSON string result unquoted', async () => {
    for (const mode of ['legacy', 'correct'] as const) {
      const response = plainResponse(result('"hello \\"world\\" \\u00e9"'), config({ empty_arrays_mode: mode }), request())
      expect(await response.text()).toBe('hello "world" é')
      expect(response.headers.get('content-type')).toBe('application/json')
      expect(response.headers.get('content-length')).toBe(String(encoder.encode('hello "world" é').byteLength))
    }
  })

  it('keeps malformed JSON as it is', async () => {
    const body = '{"a": [], broken'
    const response = plainResponse(result(body), config(), request())
    expect(await response.text()).toBe(body)
  })
})

describe('proxyIntegrationResponse', () => {
  it('takes statusCode as a number or a numeric string', async () => {
    const response = proxy({ statusCode: 201, body: 'x' })
    expect(response.status).toBe(201)
    expect(await response.text()).toBe('x')
    expect(response.headers.get('content-length')).toBe('1')
    expect(proxy({ statusCode: '404', body: '' }).status).toBe(404)
    expect(proxy({ statusCode: ' 201' }).status).toBe(201)
  })

  it('holds a text body for the writer, ASCII as it is and other text as its UTF-8 bytes, each with its byte count', async () => {
    const ascii = proxy({ statusCode: 200, body: 'plain ascii' })
    expect(heldBody(ascii)).toBe('plain ascii')
    expect(ascii.headers.get('content-length')).toBe('11')
    const accented = proxy({ statusCode: 200, body: 'héllo ✓' })
    expect(heldBody(accented)).toEqual(encoder.encode('héllo ✓'))
    expect(accented.headers.get('content-length')).toBe('10')
    expect(await accented.text()).toBe('héllo ✓')
    // Held as text, it gets no type of fetch's where neither the function nor the Invoke API named one.
    const untyped = proxyIntegrationResponse({ status: 200, headers: new Headers(), body: encoder.encode('{"statusCode":200,"body":"abc"}') }, request(), '1.0')
    expect([...untyped.headers.keys()]).toEqual(['content-length', 'via'])
  })

  it("rejects bad proxy responses with Kong's messages, in Kong's order", () => {
    const bad = { statusCode: 'hello', headers: 'x', body: 1234, isBase64Encoded: 'abc' }
    expect(proxyError(bad)).toBe('statusCode validation failed')
    expect(proxyError({ ...bad, statusCode: 200 })).toBe('headers must be a table')
    expect(proxyError({ ...bad, statusCode: 200, headers: {} })).toBe('body must be a string')
    expect(proxyError({ ...bad, statusCode: 200, headers: {}, body: 'ok' })).toBe('isBase64Encoded must be a boolean')
    expect(proxy({ ...bad, statusCode: 200, headers: {}, body: 'ok', isBase64Encoded: false }).status).toBe(200)
  })

  it('rejects a missing or out-of-range statusCode', () => {
    for (const statusCode of [undefined, false, 'hello', '', 700, 99, 200.5, '20 1']) {
      expect(proxyError({ statusCode, body: 'x' })).toBe('statusCode validation failed')
    }
    expect(proxyError({ errorMessage: 'boom', errorType: 'Error' })).toBe('statusCode validation failed')
  })

  it('takes null headers as none (as AWS does), rejects a null isBase64Encoded', async () => {
    const response = proxy({ statusCode: 200, headers: null, multiValueHeaders: null, body: 'hi' })
    expect([response.status, await response.text()]).toEqual([200, 'hi'])
    expect(proxyError({ statusCode: 200, headers: ['a'] })).toBe('headers must be a table')
    expect(proxyError({ statusCode: 200, isBase64Encoded: null })).toBe('isBase64Encoded must be a boolean')
    expect(proxyError({ statusCode: 200, body: { a: 1 } })).toBe('body must be a string')
  })

  it('rejects a result that is not a JSON object', () => {
    expect(() => proxyIntegrationResponse(result('{"foo":"bar"'), request(), '1.0')).toThrow(BadProxyResponse)
    expect(() => proxyIntegrationResponse(result(''), request(), '1.0')).toThrow(BadProxyResponse)
    expect(() => proxyIntegrationResponse(result('"text"'), request(), '1.0')).toThrow(BadProxyResponse)
    expect(() => proxyIntegrationResponse(result('[1]'), request(), '1.0')).toThrow(BadProxyResponse)
  })

  it('sends a null or missing body as an empty one', async () => {
    for (const value of [{ statusCode: 200, body: null }, { statusCode: 200 }]) {
      const response = proxy(value)
      expect(await response.text()).toBe('')
      expect(response.headers.get('content-length')).toBe('0')
    }
  })

  it('sends null header values as empty strings and stringifies scalars', () => {
    const response = proxy({ statusCode: 200, headers: { 'X-Null': null, 'X-Number': 42, 'X-Bool': true } })
    expect(response.headers.has('x-null')).toBe(true)
    expect(response.headers.get('x-null')).toBe('')
    expect(response.headers.get('x-number')).toBe('42')
    expect(response.headers.get('x-bool')).toBe('true')
  })

  it('rejects header values that are objects', () => {
    expect(() => proxy({ statusCode: 200, headers: { 'X-Obj': { a: 1 } } })).toThrow(BadProxyResponse)
  })

  it('lets function headers override Invoke headers case-insensitively', () => {
    const response = proxy(
      { statusCode: 200, headers: { 'x-amzn-requestid': 'bar', 'CONTENT-TYPE': 'text/html' }, body: '<p/>' },
      { 'X-Amzn-RequestId': 'foo', 'X-Amz-Executed-Version': '7' },
    )
    expect(response.headers.get('x-amzn-requestid')).toBe('bar')
    expect(response.headers.get('content-type')).toBe('text/html')
    expect(response.headers.get('x-amz-executed-version')).toBe('7')
  })

  it('lets the last of two header names differing only in case win, instead of merging them', () => {
    const response = proxy({ statusCode: 200, headers: { 'content-type': 'text/html', 'Content-Type': 'text/plain' } })
    expect(response.headers.get('content-type')).toBe('text/plain')
  })

  it('keeps the Invoke Content-Type when the function sets none', () => {
    expect(proxy({ statusCode: 200, body: 'x' }).headers.get('content-type')).toBe('application/json')
  })

  it('sends multiValueHeaders as repeated values, overriding headers of the same name', () => {
    const response = proxy({
      statusCode: 200,
      headers: { 'X-Multi': 'from-headers', 'X-Single': 's' },
      multiValueHeaders: { 'x-multi': ['a', 'b'], 'X-Other': ['c'] },
    })
    expect(response.headers.get('x-multi')).toBe('a, b')
    expect(response.headers.get('x-single')).toBe('s')
    expect(response.headers.get('x-other')).toBe('c')
    expect(proxy({ statusCode: 200, multiValueHeaders: null }).status).toBe(200)
  })

  it('keeps Set-Cookie values separate', () => {
    const response = proxy({
      statusCode: 200,
      multiValueHeaders: { 'Set-Cookie': ['a=1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT', 'b=2; HttpOnly'] },
    })
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT', 'b=2; HttpOnly'])
    const single = proxy({ statusCode: 200, headers: { 'set-cookie': 'only=1' } })
    expect(single.headers.getSetCookie()).toEqual(['only=1'])
  })

  it("drops the function's Content-Length, Transfer-Encoding and hop-by-hop headers", async () => {
    const response = proxy(
      {
        statusCode: 200,
        headers: { 'Content-Length': '999', 'Transfer-Encoding': 'chunked', Connection: 'close', 'X-Kept': 'yes' },
        body: 'hello',
      },
      { 'Keep-Alive': 'timeout=5', 'Content-Length': '1234' },
    )
    expect(response.headers.get('content-length')).toBe('5')
    expect(response.headers.has('transfer-encoding')).toBe(false)
    expect(response.headers.has('connection')).toBe(false)
    expect(response.headers.has('keep-alive')).toBe(false)
    expect(response.headers.get('x-kept')).toBe('yes')
    expect(await response.text()).toBe('hello')
  })

  it('drops a lower-case content-length from multiValueHeaders too', () => {
    const response = proxy({ statusCode: 200, multiValueHeaders: { 'content-length': ['1', '2'] }, body: 'abc' })
    expect(response.headers.get('content-length')).toBe('3')
  })

  it('rejects header names and values with CR or LF instead of injecting them', () => {
    for (const value of [
      { statusCode: 200, headers: { 'X-Evil': 'a\r\nX-Injected: 1' } },
      { statusCode: 200, headers: { 'X-Evil': 'a\nb' } },
      { statusCode: 200, multiValueHeaders: { 'X-Evil': ['ok', 'a\r\nSet-Cookie: stolen=1'] } },
      { statusCode: 200, headers: { 'X-Evil\r\nX-Injected': '1' } },
      { statusCode: 200, headers: { 'bad name': '1' } },
      { statusCode: 200, headers: { 'X-Trailing': 'abc\r\n' } },
      { statusCode: 200, headers: { 'X-Leading': '\nabc' } },
    ]) {
      expect(() => proxy(value)).toThrow(BadProxyResponse)
    }
  })

  it('decodes base64 bodies and rejects invalid base64', async () => {
    const bytes = new Uint8Array([0, 1, 2, 253, 254, 255])
    const response = proxy({ statusCode: 200, body: btoa(String.fromCharCode(...bytes)), isBase64Encoded: true })
    expect(await bodyBytes(response)).toEqual(bytes)
    expect(response.headers.get('content-length')).toBe('6')
    expect(() => proxy({ statusCode: 200, body: 'not base64!', isBase64Encoded: true })).toThrow(BadProxyResponse)
    const verbatim = proxy({ statusCode: 200, body: 'dGVzdA=', isBase64Encoded: false })
    expect(await verbatim.text()).toBe('dGVzdA=')
  })

  it('sends no body for a 204 from the function', async () => {
    const response = proxy({ statusCode: 204, body: 'ignored' })
    expect(response.status).toBe(204)
    expect(response.body).toBeNull()
    expect(response.headers.has('content-length')).toBe(false)
  })

  it('never forwards X-Amz-Log-Result but logs it', () => {
    const lines: string[] = []
    const response = proxy({ statusCode: 200 }, { 'X-Amz-Log-Result': btoa('log tail') }, lines)
    expect(response.headers.has('x-amz-log-result')).toBe(false)
    expect(lines.some((line) => (JSON.parse(line) as { log_tail?: string }).log_tail === 'log tail')).toBe(true)
  })
})

describe('an Invoke answer that kept its header lines (the Node transport)', () => {
  const raw = ['Content-Type', 'application/json', 'X-Multi', 'one', 'Connection', 'keep-alive', 'X-Amzn-RequestId', 'id-1', 'X-Multi', 'two']
  raw.push('X-Amz-Log-Result', btoa('log tail'), 'Content-Length', '0')
  const answer = (headers: Headers): InvokeResult => ({
    status: 200,
    headers,
    body: encoder.encode(JSON.stringify({ statusCode: 201, headers: { 'X-Fn': 'v' }, body: 'hi' })),
  })

  it("gives the client's answer lines too: the Invoke answer's in order, repeated ones apart, then Via", () => {
    const lines: string[] = []
    const headers = forwardedHeaders(lineHeaders(raw), request(lines), false)
    expect(headerLines(headers)).toEqual([
      ['content-type', 'application/json'],
      ['x-multi', 'one'],
      ['x-amzn-requestid', 'id-1'],
      ['x-multi', 'two'],
      ['via', VIA],
    ])
    expect(lines.some((line) => (JSON.parse(line) as { log_tail?: string }).log_tail === 'log tail')).toBe(true)
  })

  it('reads as the same headers as an answer with fetch Headers', () => {
    const fetchHeaders = new Headers()
    for (let i = 0; i < raw.length; i += 2) fetchHeaders.append(raw[i], raw[i + 1])
    const fromFetch = proxyIntegrationResponse(answer(fetchHeaders), request(), '1.0')
    expect(headerLines(fromFetch.headers)).toBeUndefined()
    expect([...proxyIntegrationResponse(answer(lineHeaders(raw)), request(), '1.0').headers]).toEqual([...fromFetch.headers])
  })
})

describe('proxyIntegrationResponse with the payload 2.0 rules', () => {
  const proxyV2 = (body: string) => proxyIntegrationResponse(result(body, { 'Content-Type': 'text/plain' }), request(), '2.0')

  it.each([
    ['an object without statusCode', '{"hello":"world"}'],
    ['a JSON string', '"hello"'],
    ['an array', '[1,2]'],
    ['a number', '42'],
  ])('sends %s as the body of a 200 application/json, byte for byte', async (_what, body) => {
    const response = proxyV2(body)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/json')
    expect(await response.text()).toBe(body)
  })

  it('still validates a result with statusCode', () => {
    expect(() => proxyV2('{"statusCode":"nope"}')).toThrow('statusCode validation failed')
  })

  it.each([
    ['a string', '"a=1"'],
    ['an array with a number', '["a=1", 2]'],
  ])('rejects cookies that are %s', (_what, cookies) => {
    expect(() => proxyV2(`{"statusCode":200,"cookies":${cookies}}`)).toThrow('cookies must be an array of strings')
  })

  it.each(['1.0', '2.0'] as const)('%s: a function error is the function failing, not a proxy response that failed validation', (version) => {
    const failed = result('{"errorMessage":"boom","errorType":"Error","stackTrace":["at x"]}', { 'X-Amz-Function-Error': 'Unhandled' })
    expect(() => proxyIntegrationResponse(failed, request(), version)).toThrow('the function failed: X-Amz-Function-Error Unhandled: Error: boom')
  })

  it.each(['a=1\\r\\nX-Evil: 1', 'a=1\\r\\n'])('rejects a cookie with CR/LF (%j)', (cookie) => {
    expect(() => proxyV2(`{"statusCode":200,"cookies":["${cookie}"]}`)).toThrow('headers contain an invalid name or value')
  })

  it('ignores cookies under the 1.0 rules, as API Gateway REST does', () => {
    const response = proxyIntegrationResponse(result('{"statusCode":200,"cookies":7}'), request(), '1.0')
    expect(response.headers.getSetCookie()).toEqual([])
  })
})
