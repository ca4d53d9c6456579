// Properties of the event builders (src/plugins/aws-lambda/payload/) over generated requests — arbitrary
// methods, query pairs, headers, body bytes and client addresses, read by readRequestBody as
// the gateway reads them: every event is JSON, and every API Gateway event one AWS's published
// schema accepts (test/support/aws-event-schema.ts); a base64 flag means the body decodes to
// exactly the bytes sent, no flag means the body is their text, and without a body 1.0 has
// `body: null` and 2.0 no `body` key; the text is exactly JSON.stringify's; header names are lower-case; query parameters are the
// decoded pairs, in the shape each format gives them.

import { Buffer } from 'node:buffer'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { awsSchemaProblems, bodyKeys, NO_BODY } from '../../support/aws-event-schema.ts'
import { buildPayload, payloadText } from '../../support/build-payload.ts'
import { expectedArgs } from '../../support/kong-args.ts'

const RUNS = { numRuns: 150 }

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
  // The methods API Gateway routes (its schemas know no others).
  method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
  query: queryPairs,
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 6 }),
  contentType,
  body: fc.uint8Array({ maxLength: 400 }),
  // The TCP peer (Node, Deno) or CF-Connecting-IP (Workers).
  sourceIp: fc.oneof(fc.ipV4(), fc.ipV6()),
})
type Generated = typeof generatedRequest extends fc.Arbitrary<infer T> ? T : never

/** The payload a route with the plugin `fields` sends for the generated request, read as the gateway reads it from the wire. */
async function build(fields: Record<string, unknown>, generated: Generated) {
  const url = new URL(`http://example.test/path?${generated.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`)
  const headers = new Headers(generated.headers)
  if (generated.contentType !== null) headers.set('content-type', generated.contentType)
  // fetch gives GET and HEAD no body.
  const hasBody = generated.method !== 'GET' && generated.method !== 'HEAD' && generated.body.length > 0
  const request = new Request(url, { method: generated.method, headers, body: hasBody ? new Uint8Array(generated.body) : null })
  const text = await payloadText(fields, request, { client: { sourceIp: generated.sourceIp, protocol: 'HTTP/1.1', scheme: 'http' } })
  const event = JSON.parse(text)
  // The text JSON.stringify would give: the body (spliced in as it is when base64) escaped and placed alike.
  expect(JSON.stringify(event)).toBe(text)
  if (fields.awsgateway_compatible) expect(awsSchemaProblems(event), "AWS's event schema").toEqual([])
  const sent = hasBody ? Buffer.from(generated.body) : Buffer.alloc(0)
  // The pairs as generated: what the events must carry, not what our parser makes of them.
  return { event, sent, query: generated.query, rawQuery: url.search.slice(1) }
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

describe.each([['1.0'], ['2.0']] as const)('API Gateway %s events', (version) => {
  const apiGateway = { awsgateway_compatible: true, awsgateway_compatible_payload_version: version }

  it('base64_encode_body: isBase64Encoded exactly when there is a body, which decodes to the bytes sent', async () => {
    await fc.assert(
      fc.asyncProperty(generatedRequest, async (generated) => {
        const { event, sent } = await build(apiGateway, generated)
        expect(event.isBase64Encoded).toBe(sent.length > 0)
        if (sent.length > 0) expect(Buffer.from(event.body, 'base64').equals(sent)).toBe(true)
        else expect(bodyKeys(event)).toEqual(NO_BODY[version])
      }),
      RUNS,
    )
  })

  it('without it: never flagged, the body is the text of the bytes', async () => {
    await fc.assert(
      fc.asyncProperty(generatedRequest, async (generated) => {
        const { event, sent } = await build({ ...apiGateway, base64_encode_body: false }, generated)
        expect(event.isBase64Encoded).toBe(false)
        if (sent.length > 0) expect(event.body).toBe(new TextDecoder().decode(sent))
        else expect(bodyKeys(event)).toEqual(NO_BODY[version])
      }),
      RUNS,
    )
  })

  it("keeps a header named __proto__ as an own key of the event's headers, never their prototype", async () => {
    // Built directly: AWS's schema (its zod records) drops that key.
    const request = new Request('http://example.test/path', { headers: [['__proto__', 'x']] })
    const event = await buildPayload(apiGateway, request, { client: { sourceIp: '192.0.2.1', protocol: 'HTTP/1.1', scheme: 'http' } })
    expect(Object.getOwnPropertyDescriptor(event.headers, '__proto__')?.value).toBe('x')
    if (version === '1.0') expect(Object.getOwnPropertyDescriptor(event.multiValueHeaders, '__proto__')?.value).toEqual(['x'])
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
