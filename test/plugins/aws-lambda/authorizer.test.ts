// Identity in API Gateway events (src/plugins/aws-lambda/payload/authorizer.ts): what an
// authentication plugin found (the consumer, its credential, a verified JWT), where API
// Gateway's authorizers and usage-plan keys put it, for every kind of consumer; the X-Consumer-*
// headers in every payload; a credential hide_credentials removed nowhere. Every API Gateway
// event built here passes AWS's published schema, unknown keys included.

import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildGatewayConfig, type GatewayConsumer } from '../../../src/model/declarative.ts'
import { requestHeaderLines, setRequestHeaderLines, setRequestQuery } from '../../../src/pipeline/change-request.ts'
import type { RequestContext } from '../../../src/pipeline/context.ts'
import { awsSchemaProblems } from '../../support/aws-event-schema.ts'
import { buildPayload, type RouteContext } from '../../support/build-payload.ts'

const KEY = 'ada-key-3f9c2e71b8d4'
const ADA_ID = 'a2a04ff5-79a4-5c1c-b1c1-119c710d936b' // Kong's id for the username `ada`
const KEY_ID = '6b5e8a41-0c3d-4f7e-9a12-3c4d5e6f7a8b'

/** Consumers and credentials as Kong declares them, read by the gateway's model. */
const model = buildGatewayConfig(
  {
    _format_version: '3.0',
    consumer_groups: [{ name: 'gold' }, { name: 'beta' }],
    consumers: [
      {
        username: 'ada',
        custom_id: 'crm-42',
        groups: [{ name: 'gold' }, { name: 'beta' }],
        keyauth_credentials: [{ id: KEY_ID, key: KEY }],
        basicauth_credentials: [{ id: '7c6f9b52-1d4e-4a8f-8b23-4d5e6f7a8b9c', username: 'ada-basic', password: 'ada-password' }],
        jwt_secrets: [{ id: '8d7a0c63-2e5f-4b9a-9c34-5e6f7a8b9c0d', key: 'ada-issuer', secret: 'ada-jwt-secret' }],
      },
      { username: 'guest' },
    ],
  },
  {},
)
const [ada, guest] = model.consumers
const [keyauth] = model.credentials.keyauth
const [basicauth] = model.credentials.basicauth
const [jwtSecret] = model.credentials.jwt

const apiGateway = (version: '1.0' | '2.0') => ({ awsgateway_compatible: true, awsgateway_compatible_payload_version: version })

/** The API Gateway event for `request` on a route where `route`'s authentication happened; checked against AWS's schema. */
async function eventFor(version: '1.0' | '2.0', request: Request, route: RouteContext = {}): Promise<Record<string, any>> {
  const event = await buildPayload(apiGateway(version), request, route)
  expect(awsSchemaProblems(event), "AWS's event schema").toEqual([])
  return event
}

const withKeyHeader = () => new Request('http://api.test/items', { headers: { apikey: KEY } })
/** key-auth's `hide_credentials`: the `apikey` header and query argument gone before aws-lambda. */
const hideKey = (ctx: RequestContext) => {
  setRequestHeaderLines(
    ctx,
    requestHeaderLines(ctx).filter(([name]) => name !== 'apikey'),
  )
  const query = new URLSearchParams(ctx.url.search)
  query.delete('apikey')
  setRequestQuery(ctx, query.toString())
}
const byKey = { consumer: ada, credential: keyauth }

const ADA_CONTEXT = { consumerId: ADA_ID, consumerUsername: 'ada', consumerCustomId: 'crm-42' }

describe('without an authenticated consumer', () => {
  it('1.0 and 2.0 events are those of an API without authorizers or keys (no authorizer, null key fields)', async () => {
    const v1 = await eventFor('1.0', withKeyHeader())
    expect(v1.requestContext).not.toHaveProperty('authorizer')
    expect(v1.requestContext.identity).toMatchObject({ apiKey: null, apiKeyId: null })
    const v2 = await eventFor('2.0', withKeyHeader())
    expect(v2.requestContext).not.toHaveProperty('authorizer')
  })
})

describe('a consumer recognised by key-auth', () => {
  it('1.0: identity.apiKey is the key the function sees in a header, apiKeyId the credential id; the authorizer a Lambda authorizer’s (strings)', async () => {
    const event = await eventFor('1.0', withKeyHeader(), byKey)
    expect(event.requestContext.identity).toMatchObject({ apiKey: KEY, apiKeyId: KEY_ID })
    expect(event.requestContext.authorizer).toEqual({ principalId: ADA_ID, integrationLatency: 0, ...ADA_CONTEXT, consumerGroups: 'beta,gold' })
  })

  it('1.0: a key sent as a query argument is apiKey too', async () => {
    const event = await eventFor('1.0', new Request(`http://api.test/items?apikey=${KEY}`), byKey)
    expect(event.requestContext.identity).toMatchObject({ apiKey: KEY, apiKeyId: KEY_ID })
  })

  it('1.0: hide_credentials removed the key, so apiKey is null (apiKeyId stays) and the key is nowhere in the event', async () => {
    for (const url of ['http://api.test/items', `http://api.test/items?apikey=${KEY}&page=2`]) {
      const request = new Request(url, { headers: url.includes('?') ? {} : { apikey: KEY } })
      const event = await eventFor('1.0', request, { ...byKey, afterAuthentication: hideKey })
      expect(event.requestContext.identity).toMatchObject({ apiKey: null, apiKeyId: KEY_ID })
      expect(JSON.stringify(event)).not.toContain(KEY)
    }
  })

  it('1.0: apiKey is null when the key is only part of what the function sees (never says which part is the key)', async () => {
    const request = new Request('http://api.test/items', { headers: { 'x-note': `token ${KEY}` } })
    const event = await eventFor('1.0', request, { ...byKey, afterAuthentication: hideKey })
    expect(event.requestContext.identity).toMatchObject({ apiKey: null, apiKeyId: KEY_ID })
  })

  it('2.0: the consumer in authorizer.lambda (JSON values); HTTP APIs have no API keys, and a hidden key is nowhere', async () => {
    const event = await eventFor('2.0', withKeyHeader(), { ...byKey, afterAuthentication: hideKey })
    expect(event.requestContext.authorizer).toEqual({ lambda: { ...ADA_CONTEXT, consumerGroups: ['beta', 'gold'] } })
    expect(JSON.stringify(event)).not.toContain(KEY)
  })

  it("Kong's own payloads never carry a hidden key either", async () => {
    for (const fields of [{}, { forward_request_headers: true, forward_request_uri: true, forward_request_body: true }]) {
      const payload = await buildPayload(fields, new Request(`http://api.test/items?apikey=${KEY}`, { headers: { apikey: KEY } }), {
        ...byKey,
        afterAuthentication: hideKey,
      })
      expect(JSON.stringify(payload)).not.toContain(KEY)
    }
  })
})

describe('a consumer recognised by basic-auth', () => {
  const byPassword = { consumer: ada, credential: basicauth, identifier: 'ada-basic' }
  it('1.0: a Lambda authorizer’s principal and context; a password is not an API key', async () => {
    const event = await eventFor('1.0', new Request('http://api.test/items'), byPassword)
    expect(event.requestContext.authorizer).toEqual({ principalId: ADA_ID, integrationLatency: 0, ...ADA_CONTEXT, consumerGroups: 'beta,gold' })
    expect(event.requestContext.identity).toMatchObject({ apiKey: null, apiKeyId: null })
  })
  it('2.0: authorizer.lambda', async () => {
    const event = await eventFor('2.0', new Request('http://api.test/items'), byPassword)
    expect(event.requestContext.authorizer).toEqual({ lambda: { ...ADA_CONTEXT, consumerGroups: ['beta', 'gold'] } })
  })
})

describe('the anonymous consumer (no credential)', () => {
  const anonymous = { consumer: guest }
  const GUEST_ID = guest.id
  it('1.0: principalId the anonymous consumer, anonymous "true"; no key fields', async () => {
    const event = await eventFor('1.0', new Request('http://api.test/items'), anonymous)
    expect(event.requestContext.authorizer).toEqual({
      principalId: GUEST_ID,
      integrationLatency: 0,
      consumerId: GUEST_ID,
      consumerUsername: 'guest',
      anonymous: 'true',
    })
    expect(event.requestContext.identity).toMatchObject({ apiKey: null, apiKeyId: null })
    expect(event.headers['x-anonymous-consumer']).toBe('true')
  })
  it('2.0: anonymous true', async () => {
    const event = await eventFor('2.0', new Request('http://api.test/items'), anonymous)
    expect(event.requestContext.authorizer).toEqual({ lambda: { consumerId: GUEST_ID, consumerUsername: 'guest', anonymous: true } })
  })
})

describe('a consumer recognised by jwt', () => {
  const claims = {
    iss: 'ada-issuer',
    sub: 'user-123',
    exp: 1893456000,
    ratio: 0.5,
    email_verified: true,
    'cognito:groups': ['admin', 'poweruser'],
    address: { country: 'JP' },
    nickname: null,
    scope: 'orders:read  orders:write',
  }
  const byToken = (tokenClaims: Record<string, unknown>) => ({
    consumer: ada,
    credential: jwtSecret,
    identifier: 'ada-issuer',
    authenticatedJwt: { token: 'header.payload.signature', header: { alg: 'HS256', typ: 'JWT' }, claims: tokenClaims },
  })

  it('2.0: authorizer.jwt as an HTTP API JWT authorizer: claims as strings (arrays `[a b]`, objects JSON, null left out), scopes from `scope`', async () => {
    const event = await eventFor('2.0', new Request('http://api.test/items'), byToken(claims))
    expect(event.requestContext.authorizer).toEqual({
      jwt: {
        claims: {
          iss: 'ada-issuer',
          sub: 'user-123',
          exp: '1893456000',
          ratio: '0.5',
          email_verified: 'true',
          'cognito:groups': '[admin poweruser]',
          address: '{"country":"JP"}',
          scope: 'orders:read  orders:write',
        },
        scopes: ['orders:read', 'orders:write'],
      },
    })
  })

  it.each([
    [{ scp: ['orders/read', 'orders/write'] }, ['orders/read', 'orders/write']],
    [{ scp: 'orders/read orders/write' }, ['orders/read', 'orders/write']],
    [{ scope: 'a', scp: ['b'] }, ['a']],
    [{}, null],
    [{ scope: '' }, null],
  ])('2.0: scopes of %j are %j', async (scopeClaims, scopes) => {
    const event = await eventFor('2.0', new Request('http://api.test/items'), byToken({ sub: 'u', ...scopeClaims }))
    expect(event.requestContext.authorizer.jwt.scopes).toEqual(scopes)
  })

  it('1.0: authorizer.claims as a REST API JWT authorizer gives them to a proxy integration (JSON types kept); a JWT secret is not an API key', async () => {
    const event = await eventFor('1.0', new Request('http://api.test/items'), byToken(claims))
    expect(event.requestContext.authorizer).toEqual({ claims })
    expect(event.requestContext.identity).toMatchObject({ apiKey: null, apiKeyId: null })
  })
})

describe("Kong's consumer headers, in every payload that carries headers", () => {
  const forged = () => new Request('http://api.test/items', { headers: { 'x-consumer-id': 'forged', apikey: KEY } })
  const expected = { 'x-consumer-id': ADA_ID, 'x-consumer-username': 'ada', 'x-consumer-custom-id': 'crm-42', 'x-credential-identifier': KEY_ID }

  it('the forward payload (forward_request_headers), API Gateway 1.0 (headers and multiValueHeaders) and 2.0', async () => {
    const forward = await buildPayload({ forward_request_headers: true }, forged(), byKey)
    expect(forward.request_headers).toMatchObject(expected)
    const v1 = await eventFor('1.0', forged(), byKey)
    expect(v1.headers).toMatchObject(expected)
    expect(v1.multiValueHeaders['x-consumer-id']).toEqual([ADA_ID])
    const v2 = await eventFor('2.0', forged(), byKey)
    expect(v2.headers).toMatchObject(expected)
  })

  it("Kong's default payload has no headers, so none of them (as in Kong)", async () => {
    expect(await buildPayload({}, forged(), byKey)).toEqual({})
  })
})

describe("the schema check's allowance for a 1.0 Lambda authorizer's context", () => {
  it('accepts string context keys beside principalId, and flags any other value', async () => {
    const event = await eventFor('1.0', new Request('http://api.test/items'), byKey)
    expect(awsSchemaProblems({ ...event, requestContext: { ...event.requestContext, authorizer: { ...event.requestContext.authorizer, count: 1 } } })).toEqual([
      "requestContext.authorizer.count: not in AWS's schema",
    ])
  })
})

describe('over generated claims and consumers', () => {
  // Not `__proto__`: zod's records drop that key, whatever AWS sends.
  const claimName = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('constructor', 'toString', 'scope', 'scp', 'sub'))
  const claims = fc.dictionary(claimName, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 }).map((value) => JSON.parse(JSON.stringify(value)))
  const name = fc.string({ minLength: 1, maxLength: 12 })
  const consumer = fc.record(
    {
      id: fc.uuid(),
      username: name,
      custom_id: name,
      groups: fc.uniqueArray(name, { maxLength: 3 }).map((names) => names.sort().map((group) => ({ id: group, name: group, tags: [] }))),
    },
    { requiredKeys: ['id', 'groups'] },
  )
  const asConsumer = (fields: { id: string; username?: string; custom_id?: string; groups: GatewayConsumer['groups'] }): GatewayConsumer => ({
    ...fields,
    label: fields.username ?? fields.id,
    tags: [],
    acls: [],
  })

  it('a verified JWT: both events pass the schema; 2.0 claims are the non-null claims, each a string; 1.0 claims are the claims', async () => {
    await fc.assert(
      fc.asyncProperty(claims, async (tokenClaims) => {
        const route = { consumer: ada, credential: jwtSecret, authenticatedJwt: { token: 't', header: {}, claims: tokenClaims } }
        const v2 = await eventFor('2.0', new Request('http://api.test/items'), route)
        const sent = v2.requestContext.authorizer.jwt.claims
        expect(Object.keys(sent).sort()).toEqual(
          Object.keys(tokenClaims)
            .filter((key) => tokenClaims[key] !== null)
            .sort(),
        )
        expect(Object.values(sent).every((value) => typeof value === 'string')).toBe(true)
        const v1 = await eventFor('1.0', new Request('http://api.test/items'), route)
        expect(v1.requestContext.authorizer.claims).toEqual(tokenClaims)
      }),
      { numRuns: 100 },
    )
  })

  it('any consumer: both events pass the schema; 1.0 context values are strings, 2.0 ones as the consumer has them', async () => {
    await fc.assert(
      fc.asyncProperty(consumer, fc.boolean(), async (fields, anonymous) => {
        const route = { consumer: asConsumer(fields), ...(anonymous ? {} : { credential: keyauth }) }
        const v1 = await eventFor('1.0', new Request('http://api.test/items'), route)
        const { principalId, integrationLatency, ...context } = v1.requestContext.authorizer
        expect([principalId, integrationLatency]).toEqual([fields.id, 0])
        expect(Object.values(context).every((value) => typeof value === 'string')).toBe(true)
        const v2 = await eventFor('2.0', new Request('http://api.test/items'), route)
        expect(v2.requestContext.authorizer.lambda).toEqual({
          consumerId: fields.id,
          ...(fields.username === undefined ? {} : { consumerUsername: fields.username }),
          ...(fields.custom_id === undefined ? {} : { consumerCustomId: fields.custom_id }),
          ...(fields.groups.length === 0 ? {} : { consumerGroups: fields.groups.map((group) => group.name) }),
          ...(anonymous ? { anonymous: true } : {}),
        })
      }),
      { numRuns: 100 },
    )
  })
})
