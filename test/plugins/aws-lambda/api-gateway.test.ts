import { describe, expect, it } from 'vitest'
import { clfTime, resourceTemplate, uuidRequestId } from '../../../src/plugins/aws-lambda/payload/api-gateway.ts'
import { awsSchemaProblems, bodyKeys, NO_BODY } from '../../support/aws-event-schema.ts'
import { buildPayload, type RouteContext } from '../../support/build-payload.ts'

describe('resourceTemplate', () => {
  it.each([
    [null, '/'],
    ['/plain', '/plain'],
    ['/(?<version>\\d+)/strip', '/{version}/strip'],
    ['/orders/(?P<order>\\d+)/lines', '/orders/{order}/lines'],
    ['/users/(?<id>[^/)]+)/posts/(?<post>\\d+)', '/users/{id}/posts/{post}'],
    ['/files/(?<path>(?:[a-z]+/)*[a-z]+\\.(?:txt|md))', '/files/{path}'],
    ['/escaped/\\(?<not>x\\)/(?<real>y)', '/escaped/(?<not>x)/{real}'],
    ['^/api/(?<id>\\d+)$', '/api/{id}'],
    ['/file\\.json', '/file.json'],
    ['/price\\$', '/price$'],
    ['/unnamed/(\\d+)', '/unnamed/(\\d+)'],
  ])('%s → %s', (path, template) => {
    expect(resourceTemplate(path)).toBe(template)
  })
})

describe('clfTime', () => {
  it('formats as API Gateway does, in UTC', () => {
    expect(clfTime(1662436514000)).toBe('06/Sep/2022:03:55:14 +0000')
    expect(clfTime(Date.UTC(2026, 0, 5, 23, 4, 5, 678))).toBe('05/Jan/2026:23:04:05 +0000')
  })
})

describe('uuidRequestId', () => {
  it('writes the 32-hex request id as a UUID', () => {
    expect(uuidRequestId('0123456789abcdef0123456789abcdef')).toBe('01234567-89ab-cdef-0123-456789abcdef')
  })
})

describe.each([['1.0'], ['2.0']] as const)('the API Gateway %s event builder', (version) => {
  const apiGateway = { awsgateway_compatible: true, awsgateway_compatible_payload_version: version }
  const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) =>
    new Request('http://api.example.test/items', { method: 'POST', headers, body })
  const captured: RouteContext = {
    match: { requestPath: '/v2/items/42', path: '/v2/items/42', captures: { version: '2', id: '42' }, matchedPath: '/v(?<version>\\d+)/items/(?<id>\\d+)' },
    methods: ['GET', 'PATCH'],
  }

  // Each request, built into an event that AWS's published schema for the version accepts.
  it.each<[string, Request, Record<string, unknown>?, RouteContext?]>([
    ['a GET without query or body', new Request('http://api.example.test/items')],
    [
      'query, repeated values, cookies, captures and a route of methods',
      new Request('http://api.example.test/v2/items/42?a=1&a=2&flag&e=%C3%A9', { method: 'PATCH', headers: { cookie: 'a=1; b=2', 'user-agent': 'ua/1' } }),
      {},
      captured,
    ],
    ['a binary body, base64', post(new Uint8Array([0, 255, 128]), { 'content-type': 'application/octet-stream' })],
    ['a text body, base64_encode_body off', post('{"a":1}', { 'content-type': 'application/json' }), { base64_encode_body: false }],
    ['a large body dropped by skip_large_bodies', post('a'.repeat(10_000))],
    [
      'an IPv6 client over HTTP/2',
      new Request('http://[::1]:8000/x', { method: 'OPTIONS' }),
      {},
      { client: { sourceIp: '2001:db8::7', protocol: 'HTTP/2', scheme: 'http' } },
    ],
  ])('%s', async (_, request, fields = {}, route = {}) => {
    const event = await buildPayload({ ...apiGateway, ...fields }, request, route)
    expect(awsSchemaProblems(event)).toEqual([])
  })

  it("without a body: 1.0 has body: null, 2.0 no body key (AWS's 2.0 schema refuses null); never base64", async () => {
    for (const [request, fields] of [
      [new Request('http://api.example.test/items'), {}],
      [new Request('http://api.example.test/items', { method: 'DELETE' }), { base64_encode_body: false }],
      [post(''), {}],
      [post('a'.repeat(10_000)), { skip_large_bodies: true }],
    ] as const) {
      const event = await buildPayload({ ...apiGateway, ...fields }, request)
      expect(bodyKeys(event)).toEqual(NO_BODY[version])
      expect(awsSchemaProblems(event)).toEqual([])
    }
  })

  it('with a body: the body and its flag, as the schema has them', async () => {
    expect(await buildPayload(apiGateway, post('hi'))).toMatchObject({ body: btoa('hi'), isBase64Encoded: true })
    expect(await buildPayload({ ...apiGateway, base64_encode_body: false }, post('hi'))).toMatchObject({ body: 'hi', isBase64Encoded: false })
  })
})
