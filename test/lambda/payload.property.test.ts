// Properties of the event builders (src/lambda/payload/) over generated requests — arbitrary
// query pairs, headers and body bytes, read by readLambdaRequest as the gateway reads them:
// every event is JSON; a base64 flag means the body decodes to exactly the bytes sent, no flag
// means the body is their text; header names are lower-case; query parameters are the decoded
// pairs, in the shape each format gives them.

import { Buffer } from 'node:buffer'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildGatewayConfig } from '../../src/config/declarative.ts'
import { payloadFormatFor } from '../../src/lambda/payload/index.ts'
import { readLambdaRequest } from '../../src/lambda/request.ts'
import { createLogger } from '../../src/log.ts'
import { expectedArgs } from '../support/kong-args.ts'

const RUNS = { numRuns: 150 }

/** The route's plugin config, defaults applied, as the gateway would load it. */
function pluginConfig(fields: Record<string, unknown>) {
  const document = {
    _format_version: '3.0',
    routes: [{ name: 'r', paths: ['/'], plugins: [{ name: 'aws-lambda', config: { function_name: 'f', aws_region: 'us-east-1', ...fields } }] }],
  }
  return buildGatewayConfig(document, {}).routes[0].plugin
}

const headerName = fc
  .string({ unit: fc.constantFrom(..."abcXYZ-_09!#$%&'*+.^`|~"), minLength: 1, maxLength: 10 })
  .filter((name) => !['host', 'content-length', 'content-type', 'transfer-encoding', 'cookie'].includes(name.toLowerCase()))
// Header values as fetch keeps them: no surrounding whitespace, no control characters.
const headerValue = fc.string({ unit: fc.constantFrom(...'ab ;=,/"\u00e9\u00ff1'), maxLength: 10 }).map((value) => value.trim())
const queryPairs = fc.array(fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 })), { maxLength: 6 })
const contentType = fc.constantFrom(
  'application/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=b',
  'text/plain',
  'application/octet-stream',
  null,
)

const generatedRequest = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
  query: queryPairs,
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }),
  contentType,
  body: fc.uint8Array({ maxLength: 400 }),
})
type Generated = typeof generatedRequest extends fc.Arbitrary<infer T> ? T : never

/** The request as the gateway reads it from the wire. */
async function lambdaRequest(generated: Generated) {
  const url = new URL(`http://example.test/path?${generated.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`)
  const headers = new Headers(generated.headers)
  if (generated.contentType !== null) headers.set('content-type', generated.contentType)
  const hasBody = generated.method !== 'GET' && generated.body.length > 0
  const request = new Request(url, { method: generated.method, headers, body: hasBody ? new Uint8Array(generated.body) : null })
  const head = {
    url,
    match: { requestPath: url.pathname, path: url.pathname, captures: {}, matchedPath: null },
    client: { sourceIp: '127.0.0.1', protocol: 'HTTP/1.1' },
    receivedAt: Date.now(),
    requestId: '0123456789abcdef0123456789abcdef',
    gatewayRequestId: '0123456789abcdef0123456789abcdef',
    log: createLogger('error', () => {}),
    timing: {},
  }
  return { request: await readLambdaRequest(request, head, { bufferSize: 8192, maxSize: 0 }), sent: hasBody ? Buffer.from(generated.body) : Buffer.alloc(0) }
}

async function build(fields: Record<string, unknown>, generated: Generated) {
  const { request, sent } = await lambdaRequest(generated)
  const event = JSON.parse(await payloadFormatFor(pluginConfig(fields), { methods: [] }).build(request))
  // The pairs as generated: what the events must carry, not what our parser makes of them.
  return { event, sent, query: generated.query, rawQuery: request.url.search.slice(1) }
}

/** The query values by key, as API Gateway gives them. */
function grouped(pairs: Array<[string, string]>): Record<string, string[]> {
  const values: Record<string, string[]> = Object.create(null)
  for (const [key, value] of pairs) {
    values[key] ??= []
    values[key].push(value)
  }
  return { ...values }
}

const expectLowerCase = (names: string[]) => expect(names.filter((name) => name !== name.toLowerCase())).toEqual([])

describe.each([['1.0'], ['2.0']])('API Gateway %s events', (version) => {
  const apiGateway = { awsgateway_compatible: true, awsgateway_compatible_payload_version: version }

  it('base64_encode_body: isBase64Encoded exactly when there is a body, which decodes to the bytes sent', async () => {
    await fc.assert(
      fc.asyncProperty(generatedRequest, async (generated) => {
        const { event, sent } = await build(apiGateway, generated)
        expect(event.isBase64Encoded).toBe(sent.length > 0)
        if (sent.length > 0) expect(Buffer.from(event.body, 'base64').equals(sent)).toBe(true)
        else expect(event.body).toBeNull()
      }),
      RUNS,
    )
  })

  it('without it: never flagged, the body is the text of the bytes', async () => {
    await fc.assert(
      fc.asyncProperty(generatedRequest, async (generated) => {
        const { event, sent } = await build({ ...apiGateway, base64_encode_body: false }, generated)
        expect(event.isBase64Encoded).toBe(false)
        expect(event.body).toBe(sent.length > 0 ? new TextDecoder().decode(sent) : null)
      }),
      RUNS,
    )
  })

  it('header names are lower-case; query parameters are the decoded pairs', async () => {
    await fc.assert(
      fc.asyncProperty(generatedRequest, async (generated) => {
        const { event, query, rawQuery } = await build(apiGateway, generated)
        expectLowerCase(Object.keys(event.headers))
        const values = grouped(query)
        if (version === '1.0') {
          expectLowerCase(Object.keys(event.multiValueHeaders))
          expect(event.multiValueQueryStringParameters).toEqual(query.length === 0 ? null : values)
          if (query.length > 0) expect(event.queryStringParameters).toEqual(Object.fromEntries(Object.entries(values).map(([key, list]) => [key, list.at(-1)])))
        } else {
          expect(event.rawQueryString).toBe(rawQuery)
          expect(event.queryStringParameters).toEqual(
            query.length === 0 ? undefined : Object.fromEntries(Object.entries(values).map(([key, list]) => [key, list.join(',')])),
          )
        }
      }),
      RUNS,
    )
  })
})

describe('the forward payload', () => {
  const forwardAll = { forward_request_method: true, forward_request_uri: true, forward_request_headers: true, forward_request_body: true }

  it('request_body_base64 exactly when the body went as base64, which decodes to the bytes sent; else it is their text', async () => {
    await fc.assert(
      fc.asyncProperty(generatedRequest, async (generated) => {
        const { event, sent } = await build(forwardAll, generated)
        if (event.request_body_base64 === true) expect(Buffer.from(event.request_body, 'base64').equals(sent)).toBe(true)
        else {
          expect(event).not.toHaveProperty('request_body_base64')
          expect(event.request_body ?? '').toBe(new TextDecoder().decode(sent))
        }
      }),
      RUNS,
    )
  })

  it('method, URI arguments and header names as the request had them', async () => {
    await fc.assert(
      fc.asyncProperty(generatedRequest, async (generated) => {
        const { event } = await build(forwardAll, generated)
        expect(event.request_method).toBe(generated.method)
        expect(event.request_uri_args).toEqual(expectedArgs(generated.query))
        expectLowerCase(Object.keys(event.request_headers))
      }),
      RUNS,
    )
  })
})

describe('the default payload', () => {
  it('is a JSON object or array for any body under any content type, with the query arguments unless a body argument replaced them', async () => {
    await fc.assert(
      fc.asyncProperty(generatedRequest, async (generated) => {
        const { event } = await build({}, generated)
        expect(typeof event).toBe('object')
        if (
          generated.contentType !== 'application/json' &&
          generated.contentType?.startsWith('multipart') !== true &&
          generated.contentType !== 'application/x-www-form-urlencoded'
        ) {
          expect(event).toEqual(expectedArgs(generated.query))
        }
      }),
      RUNS,
    )
  })
})
