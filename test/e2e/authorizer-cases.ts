// Identity in API Gateway events, through the real key-auth and jwt plugins (the routes of
// authorizerRoutes in test/support/gateway-config.ts): the consumer where API Gateway's
// authorizers and usage-plan keys put it, Kong's X-Consumer-* headers in every payload that has
// headers, and a key hide_credentials removed nowhere. Every API Gateway event also passes
// AWS's published schema (eventFor). The unit tests (test/plugins/aws-lambda/authorizer.test.ts)
// cover each shape on their own; these run the plugins in front, on every runtime.

import { SignJWT } from 'jose'
import { AUTHORIZER } from '../support/gateway-config.ts'
import { eventFor } from './api-gateway-cases.ts'
import { type Case, expectSuccess, json } from './harness.ts'

const host = (name: string) => `${name}.authorizer.test`
const withKey = (name: string, path = '/items') => ({ host: host(name), path, headers: { apikey: AUTHORIZER.key } })
const CONSUMER = { consumerId: AUTHORIZER.consumerId, consumerUsername: 'authorizer-ada', consumerCustomId: 'crm-42' }
const CONSUMER_HEADERS = { 'x-consumer-id': AUTHORIZER.consumerId, 'x-consumer-username': 'authorizer-ada', 'x-consumer-custom-id': 'crm-42' }

/** A token for the consumer's jwt secret (HS256), valid for an hour. */
async function token(claims: Record<string, unknown>): Promise<string> {
  return new SignJWT({ iss: AUTHORIZER.jwtKey, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(AUTHORIZER.jwtSecret))
}

export const authorizerCases: Case[] = [
  {
    name: "authorizer: key-auth, API Gateway 1.0: identity.apiKey and apiKeyId, a Lambda authorizer's principal and context, Kong's headers",
    async run(t) {
      const event = await eventFor(t, withKey('keyauth-apigw1'))
      t.equal(event.requestContext.identity.apiKey, AUTHORIZER.key, 'apiKey: the key the function sees in its header')
      t.equal(event.requestContext.identity.apiKeyId, AUTHORIZER.keyId, 'apiKeyId: the credential id')
      t.equal(event.requestContext.authorizer, { principalId: AUTHORIZER.consumerId, integrationLatency: 0, ...CONSUMER }, 'authorizer')
      for (const [name, value] of Object.entries({ ...CONSUMER_HEADERS, 'x-credential-identifier': AUTHORIZER.keyId })) {
        t.equal(event.headers[name], value, name)
      }
    },
  },
  {
    name: 'authorizer: key-auth with hide_credentials, API Gateway 1.0 and 2.0: apiKey null (apiKeyId kept), the key nowhere in the event',
    async run(t) {
      for (const request of [withKey('keyauth-hidden-apigw1'), { host: host('keyauth-hidden-apigw1'), path: `/items?apikey=${AUTHORIZER.key}` }]) {
        const event = await eventFor(t, request)
        t.equal([event.requestContext.identity.apiKey, event.requestContext.identity.apiKeyId], [null, AUTHORIZER.keyId], 'apiKey, apiKeyId')
        t.ok(!JSON.stringify(event).includes(AUTHORIZER.key), `the key is not in the event (${request.path})`)
      }
      const v2 = await eventFor(t, withKey('keyauth-hidden-apigw2'))
      t.equal(v2.requestContext.authorizer, { lambda: CONSUMER }, '2.0 authorizer.lambda')
      t.ok(!JSON.stringify(v2).includes(AUTHORIZER.key), 'the key is not in the 2.0 event')
    },
  },
  {
    name: "authorizer: key-auth with hide_credentials, Kong's forward payload: Kong's consumer headers, not the key",
    async run(t) {
      const response = await t.send(withKey('keyauth-hidden-forward'))
      await expectSuccess(t, response)
      const payload = JSON.parse((await json(response)).body)
      for (const [name, value] of Object.entries(CONSUMER_HEADERS)) t.equal(payload.request_headers[name], value, name)
      t.ok(!JSON.stringify(payload).includes(AUTHORIZER.key), 'the key is not in the payload')
    },
  },
  {
    name: 'authorizer: key-auth with anonymous, API Gateway 2.0: a request without a key is the anonymous consumer, `anonymous: true`',
    async run(t) {
      const event = await eventFor(t, { host: host('keyauth-anonymous-apigw2'), path: '/items' })
      t.equal(
        event.requestContext.authorizer,
        { lambda: { consumerId: AUTHORIZER.guestId, consumerUsername: 'authorizer-guest', anonymous: true } },
        'authorizer',
      )
      t.equal(event.headers['x-anonymous-consumer'], 'true', 'X-Anonymous-Consumer')
      const known = await eventFor(t, withKey('keyauth-anonymous-apigw2'))
      t.equal(known.requestContext.authorizer, { lambda: CONSUMER }, 'a known key is its consumer')
    },
  },
  {
    name: "authorizer: jwt, API Gateway 2.0: an HTTP API JWT authorizer's claims (as strings) and scopes",
    async run(t) {
      const jwt = await token({ sub: 'user-123', scope: 'orders:read orders:write', 'cognito:groups': ['admin', 'poweruser'], email_verified: true })
      const event = await eventFor(t, { host: host('jwt-apigw2'), path: '/items', headers: { authorization: `Bearer ${jwt}` } })
      const { claims, scopes } = event.requestContext.authorizer.jwt
      t.ok(/^\d+$/.test(claims.exp), `exp as text (${claims.exp})`)
      t.equal(
        { ...claims, exp: undefined },
        {
          iss: AUTHORIZER.jwtKey,
          sub: 'user-123',
          scope: 'orders:read orders:write',
          'cognito:groups': '[admin poweruser]',
          email_verified: 'true',
          exp: undefined,
        },
        'claims',
      )
      t.equal(scopes, ['orders:read', 'orders:write'], 'scopes')
      t.equal(event.headers['x-credential-identifier'], AUTHORIZER.jwtKey, 'X-Credential-Identifier: the jwt key')
    },
  },
  {
    name: "authorizer: jwt, API Gateway 1.0: a REST JWT authorizer's claims with their JSON types; a JWT is not an API key",
    async run(t) {
      const jwt = await token({ sub: 'user-123', roles: ['user', 'editor'], level: 3 })
      const event = await eventFor(t, { host: host('jwt-apigw1'), path: '/items', headers: { authorization: `Bearer ${jwt}` } })
      const { claims } = event.requestContext.authorizer
      t.equal(
        { sub: claims.sub, roles: claims.roles, level: claims.level, iss: claims.iss, exp: typeof claims.exp },
        {
          sub: 'user-123',
          roles: ['user', 'editor'],
          level: 3,
          iss: AUTHORIZER.jwtKey,
          exp: 'number',
        },
      )
      t.equal([event.requestContext.identity.apiKey, event.requestContext.identity.apiKeyId], [null, null], 'no API key')
    },
  },
]
